// Pipeline administration on a tenant of its own: adding a status takes effect at once in every
// worker, removing one that tickets are in needs a mapping and moves them with a timeline entry,
// a broken pipeline is refused whole, and a status can demand a note on entry.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const slug = uniqueTag('p').toLowerCase().slice(0, 24);
let admin, agent, customerId, pipeline;

test.before(async () => {
	applyTenant({
		slug, name: 'Pipeworks', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Pipeworks Help', issue_word: 'ticket', primary_color: '#9a3412', accent_color: '#fff7ed', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Valve'], default_password: 'Pipe-Pass-123',
		users: [
			{ email: 'admin@pipe.example', name: 'Pia Admin', role: 'admin' },
			{ email: 'agent@pipe.example', name: 'Pete Agent', role: 'agent' },
			{ email: 'cust@valve.example', name: 'Val Customer', role: 'customer', company: 'Valve' },
		],
	});
	admin = (await loginFull(slug, 'admin@pipe.example', 'Pipe-Pass-123')).token;
	agent = (await loginFull(slug, 'agent@pipe.example', 'Pipe-Pass-123')).token;
	customerId = (await loginFull(slug, 'cust@valve.example', 'Pipe-Pass-123')).user.id;
	const list = await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin });
	assert.equal(list.status, 200, list.text);
	pipeline = list.json.data[0];
});

const strip = (s) => ({ key: s.key, staff_name: s.staff_name, customer_name: s.customer_name, category: s.category, color: s.color,
	clocks: s.clocks, entry: s.entry, require_note: s.require_note, transitions: s.transitions });
const put = (statuses, mapping) => request(slug, 'PUT', `/api/v1/admin/pipelines/${pipeline.id}`, { token: admin, body: mapping ? { statuses, mapping } : { statuses } });
async function ticket() {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: uniqueTag('P'), customer_id: customerId } });
	assert.equal(res.status, 201, res.text);
	return res.json.number;
}
const move = (n, to, extra = {}) => request(slug, 'POST', `/api/v1/tickets/${n}/transitions`, { token: agent, body: { to, ...extra } });

test('the default pipeline as the admin sees it', () => {
	assert.equal(pipeline.key, 'support');
	assert.equal(pipeline.intake, 'manual');
	assert.deepEqual(pipeline.statuses.map((s) => [s.key, s.entry, s.clocks.join('+')]), [
		['not_started', true, 'response+supplier+communication'],
		['in_progress', false, 'response+supplier+communication'],
		['awaiting_update', false, 'supplier'],
		['deferred', false, ''],
		['resolved', false, ''],
	]);
});

test('a new status is usable by agents at once, in every worker', async () => {
	const statuses = pipeline.statuses.map(strip);
	statuses.push({ key: 'with_vendor', staff_name: 'With vendor', customer_name: 'Waiting on a partner', category: 'waiting_supplier',
		color: '#0891b2', clocks: ['supplier'], entry: false, require_note: false, transitions: ['in_progress', 'resolved'] });
	statuses.find((s) => s.key === 'in_progress').transitions.push('with_vendor');
	const res = await put(statuses);
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json, { id: pipeline.id, statuses: 6, moved_tickets: 0 });
	const n = await ticket();
	assert.equal((await move(n, 'in_progress')).status, 200);
	// Several requests in a row land on different workers: every one knows the new status.
	for (let i = 0; i < 8; i++) {
		const st = await request(slug, 'GET', '/api/v1/statuses', { token: agent });
		assert.ok(st.json.data.some((s) => s.key === 'with_vendor'), `request ${i}`);
	}
	const moved = await move(n, 'with_vendor');
	assert.equal(moved.status, 200, moved.text);
	assert.equal(moved.json.status.name, 'With vendor');
});

test('removing a status that tickets are in needs a mapping; they move, and the timeline says so', async () => {
	const n = await ticket();
	await move(n, 'in_progress');
	await move(n, 'with_vendor');
	const current = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0];
	assert.equal(current.statuses.find((s) => s.key === 'with_vendor').tickets >= 1, true);
	const without = current.statuses.filter((s) => s.key !== 'with_vendor').map(strip);
	without.find((s) => s.key === 'in_progress').transitions = ['awaiting_update', 'deferred', 'resolved'];
	const refused = await put(without);
	assertFieldError(refused, '/mapping/with_vendor', 'required');
	const ok = await put(without, { with_vendor: 'in_progress' });
	assert.equal(ok.status, 200, ok.text);
	assert.ok(ok.json.moved_tickets >= 1);
	const t = (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: agent })).json;
	assert.equal(t.status.key, 'in_progress');
	const events = (await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: agent })).json.data;
	assert.deepEqual(events.at(-1).data, { from: 'with_vendor', to: 'in_progress', reason: 'the status was removed from the pipeline' });
	assert.equal(events.at(-1).actor.name, 'Pia Admin');
	// Nothing is left in a status that no longer exists.
	const after = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0];
	assert.equal(after.statuses.some((s) => s.key === 'with_vendor'), false);
});

test('a broken pipeline is refused whole and changes nothing', async () => {
	const before = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0];
	const noResolved = before.statuses.filter((s) => s.key !== 'resolved').map(strip)
		.map((s) => ({ ...s, transitions: s.transitions.filter((t) => t !== 'resolved') }));
	const res = await put(noResolved, { resolved: 'in_progress' });
	assertProblem(res, 422, 'validation_failed');
	assert.match(res.json.errors.map((e) => e.message).join(' | '), /at least one resolved or closed status/);
	assert.deepEqual((await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0], before);
	assertProblem(await request(slug, 'PUT', `/api/v1/admin/pipelines/${pipeline.id}`, { token: agent, body: { statuses: [] } }), 403, 'forbidden');
	assertProblem(await request(slug, 'PUT', '/api/v1/admin/pipelines/999999', { token: admin, body: { statuses: before.statuses.map(strip) } }), 404, 'not_found');
	// acme's admin cannot reach this tenant's pipeline by its id.
	const acme = (await loginFull('acme', 'admin@acme.example')).token;
	assertProblem(await request('acme', 'PUT', `/api/v1/admin/pipelines/${pipeline.id}`, { token: acme, body: { statuses: before.statuses.map(strip) } }), 404, 'not_found');
});

test('a status can require a note on entry; the note is public and on the timeline', async () => {
	const current = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0];
	const statuses = current.statuses.map(strip);
	statuses.find((s) => s.key === 'resolved').require_note = true;
	assert.equal((await put(statuses)).status, 200);
	const n = await ticket();
	assertFieldError(await move(n, 'resolved'), '/note', 'required');
	const done = await move(n, 'resolved', { note: 'Replaced the valve; all good now.' });
	assert.equal(done.status, 200, done.text);
	const notes = (await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: agent })).json.data;
	assert.deepEqual(notes.map((x) => [x.visibility, x.body]), [['public', 'Replaced the valve; all good now.']]);
});
