// The security audit log: sign-ins, failed sign-ins, configuration changes and overrides are
// recorded per tenant; only that tenant's admins read them, and nothing in the API edits them.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, assertProblem } from './lib.mjs';

test('sign-ins, failures and configuration changes are on the record, per tenant', async () => {
	const tag = uniqueTag('AU');
	const wrong = await request('globex', 'POST', '/api/v1/auth/login', { body: { email: `${tag}@nowhere.example`, password: 'nope-nope-nope' } });
	assert.equal(wrong.status, 401);
	const admin = (await loginFull('globex', 'admin@globex.example')).token;
	const words = (await request('globex', 'GET', '/api/v1/admin/word_list', { token: admin })).json;
	const put = await request('globex', 'PUT', '/api/v1/admin/word_list', { token: admin, body: words });
	assert.equal(put.status, 200, put.text);
	const log = await request('globex', 'GET', '/api/v1/admin/audit', { token: admin });
	assert.equal(log.status, 200, log.text);
	const entries = log.json.data;
	assert.ok(entries.some((e) => e.action === 'sign_in_failed' && e.detail === `${tag.toLowerCase()}@nowhere.example` && e.actor === null));
	const signIn = entries.find((e) => e.action === 'sign_in' && e.detail === 'admin@globex.example');
	assert.equal(signIn.actor.name, 'Gina Admin');
	assert.equal(signIn.address, '127.0.0.1');
	const change = entries.find((e) => e.action === 'config_word_list');
	assert.equal(change.actor.name, 'Gina Admin');
	assert.match(change.detail, /^\d+ terms, internal notes (checked|not checked)$/);
	// Newest first.
	assert.ok(entries[0].id > entries[entries.length - 1].id);
	// Another tenant's log holds none of this.
	const acme = (await loginFull('acme', 'admin@acme.example')).token;
	const theirs = (await request('acme', 'GET', '/api/v1/admin/audit', { token: acme })).json.data;
	assert.ok(!theirs.some((e) => e.detail.includes(tag.toLowerCase()) || e.detail === 'admin@globex.example'));
	// Only admins read it; nobody can change it.
	const manager = (await loginFull('globex', 'manager@globex.example')).token;
	assertProblem(await request('globex', 'GET', '/api/v1/admin/audit', { token: manager }), 403, 'forbidden');
	for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
		assertProblem(await request('globex', method, '/api/v1/admin/audit', { token: admin, body: {} }), 405, 'method_not_allowed');
});
