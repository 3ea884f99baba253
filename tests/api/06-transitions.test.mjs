// The status pipeline: GET /statuses and POST /tickets/{number}/transitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, tokenOf, userOf, newTicket, getTicket, uniqueTag, assertProblem, assertFieldError, etagOf,
} from './lib.mjs';

const agent = () => tokenOf('acme', 'agent1@acme.example');

const PIPELINE = [
	{ key: 'not_started', name: 'Not started', customer_name: 'Received', category: 'new', transitions: ['in_progress', 'awaiting_update', 'deferred', 'resolved'] },
	{ key: 'in_progress', name: 'In progress', customer_name: 'Being worked on', category: 'active', transitions: ['awaiting_update', 'deferred', 'resolved'] },
	{ key: 'awaiting_update', name: 'Awaiting update', customer_name: 'Waiting for your reply', category: 'waiting_customer', transitions: ['in_progress', 'deferred', 'resolved'] },
	{ key: 'deferred', name: 'Deferred', customer_name: 'On hold', category: 'deferred', transitions: ['in_progress', 'awaiting_update'] },
	{ key: 'resolved', name: 'Resolved', customer_name: 'Resolved', category: 'resolved', transitions: ['in_progress'] },
];
const byKey = Object.fromEntries(PIPELINE.map((s) => [s.key, s]));

async function fresh(label) {
	const carol = await userOf('acme', 'carol@northwind.example');
	return newTicket('acme', await agent(), { subject: `${uniqueTag('TR')} ${label}`, customer_id: carol.id });
}

function move(token, number, to, headers) {
	return request('acme', 'POST', `/api/v1/tickets/${number}/transitions`, { token, body: { to }, headers });
}

test('staff see the whole default pipeline', async () => {
	for (const tenant of ['acme', 'globex']) {
		const res = await request(tenant, 'GET', '/api/v1/statuses', { token: await tokenOf(tenant, `agent1@${tenant}.example`) });
		assert.equal(res.status, 200, res.text);
		assert.equal(res.json.data.length, PIPELINE.length);
		res.json.data.forEach((s, i) => {
			const want = PIPELINE[i];
			assert.equal(s.key, want.key);
			assert.equal(s.name, want.name);
			assert.equal(s.customer_name, want.customer_name);
			assert.equal(s.category, want.category);
			assert.match(s.color, /^#[0-9a-f]{6}$/i);
			assert.deepEqual(s.transitions, want.transitions);
		});
	}
});

test('customers see statuses by their customer-facing names only', async () => {
	const res = await request('acme', 'GET', '/api/v1/statuses', { token: await tokenOf('acme', 'carol@northwind.example') });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json.data, PIPELINE.map((s) => ({ key: s.key, name: s.customer_name, category: s.category })));
});

test('statuses need a token', async () => {
	assertProblem(await request('acme', 'GET', '/api/v1/statuses'), 401, 'unauthorized');
});

test('every allowed move succeeds and every other move is 422 invalid_transition', async () => {
	for (const from of PIPELINE) {
		for (const to of PIPELINE) {
			const t = await fresh(`${from.key} to ${to.key}`);
			// Bring the ticket to `from` along allowed edges.
			const path = { not_started: [], in_progress: ['in_progress'], awaiting_update: ['awaiting_update'], deferred: ['deferred'], resolved: ['resolved'] }[from.key];
			for (const step of path) assert.equal((await move(await agent(), t.number, step)).status, 200);
			const before = await getTicket('acme', await agent(), t.number);
			const res = await move(await agent(), t.number, to.key);
			if (from.transitions.includes(to.key)) {
				assert.equal(res.status, 200, `${from.key} -> ${to.key}: ${res.text}`);
				assert.equal(res.json.status.key, to.key);
				assert.equal(res.json.status.name, to.name);
				assert.equal(res.json.status.category, to.category);
				assert.equal(res.json.version, before.json.version + 1);
				assert.equal(res.headers.etag, etagOf(before.json.version + 1));
			} else {
				assertProblem(res, 422, 'invalid_transition');
				const after = await getTicket('acme', await agent(), t.number);
				assert.deepEqual(after.json, before.json, `${from.key} -> ${to.key} changed nothing`);
			}
		}
	}
});

test('deferred to resolved is not allowed; the ticket stays deferred', async () => {
	const t = await fresh('deferred');
	assert.equal((await move(await agent(), t.number, 'deferred')).json.status.key, 'deferred');
	assertProblem(await move(await agent(), t.number, 'resolved'), 422, 'invalid_transition');
	assert.equal((await getTicket('acme', await agent(), t.number)).json.status.key, 'deferred');
});

test('a resolved ticket can be reopened', async () => {
	const t = await fresh('reopen');
	assert.equal((await move(await agent(), t.number, 'resolved')).status, 200);
	const res = await move(await agent(), t.number, 'in_progress');
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.status.key, 'in_progress');
});

test('an unknown status key or a bad body is 422 validation_failed', async () => {
	const t = await fresh('unknown key');
	assertFieldError(await move(await agent(), t.number, 'bogus'), '/to', 'invalid_value');
	assertFieldError(await move(await agent(), t.number, 'IN_PROGRESS'), '/to', 'invalid_value');
	assertFieldError(await move(await agent(), t.number, 7), '/to', 'invalid_type');
	const missing = await request('acme', 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: await agent(), body: {} });
	assertFieldError(missing, '/to', 'required');
	const extra = await request('acme', 'POST', `/api/v1/tickets/${t.number}/transitions`, {
		token: await agent(), body: { to: 'in_progress', reason: 'x' },
	});
	assertFieldError(extra, '/reason', 'unknown_field');
	assert.equal((await getTicket('acme', await agent(), t.number)).json.status.key, 'not_started');
});

test('If-Match on a transition is checked when present', async () => {
	const t = await fresh('if-match');
	const stale = await move(await agent(), t.number, 'in_progress', { 'If-Match': etagOf(t.version + 1) });
	assertProblem(stale, 412, 'precondition_failed');
	assert.equal((await getTicket('acme', await agent(), t.number)).json.status.key, 'not_started');
	const ok = await move(await agent(), t.number, 'in_progress', { 'If-Match': etagOf(t.version) });
	assert.equal(ok.status, 200, ok.text);
	assert.equal(ok.json.status.key, 'in_progress');
});

test('customers may not move tickets, even their own: 403', async () => {
	const t = await fresh('customer move');
	const res = await move(await tokenOf('acme', 'carol@northwind.example'), t.number, 'resolved');
	assertProblem(res, 403, 'forbidden');
	assert.equal((await getTicket('acme', await agent(), t.number)).json.status.key, 'not_started');
});

test('customers see the customer-facing name of the new status', async () => {
	const t = await fresh('customer name');
	assert.equal((await move(await agent(), t.number, 'awaiting_update')).status, 200);
	const view = await getTicket('acme', await tokenOf('acme', 'carol@northwind.example'), t.number);
	assert.deepEqual(view.json.status, { key: 'awaiting_update', name: byKey.awaiting_update.customer_name, category: 'waiting_customer' });
});

test('a transition on a missing ticket is 404', async () => {
	assertProblem(await move(await agent(), 2147483000, 'in_progress'), 404, 'not_found');
});
