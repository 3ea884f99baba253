// The ticket timeline: every change with its actor, oldest first; staff only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, tokenOf, userOf, newTicket, uniqueTag, assertProblem, etagOf, RFC3339_UTC,
} from './lib.mjs';

async function timeline(token, number) {
	const res = await request('acme', 'GET', `/api/v1/tickets/${number}/timeline`, { token });
	assert.equal(res.status, 200, res.text);
	return res.json.data;
}

test('created, status_changed, assigned and note_added entries, with actors, in order', async () => {
	const agent1 = await userOf('acme', 'agent1@acme.example');
	const agent2 = await userOf('acme', 'agent2@acme.example');
	const manager = await userOf('acme', 'manager@acme.example');
	const carol = await userOf('acme', 'carol@northwind.example');
	const a1 = await tokenOf('acme', 'agent1@acme.example');

	const t = await newTicket('acme', a1, { subject: `${uniqueTag('TL')} timeline`, customer_id: carol.id });
	let res = await request('acme', 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: a1, body: { to: 'in_progress' } });
	assert.equal(res.status, 200, res.text);
	res = await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, {
		token: await tokenOf('acme', 'manager@acme.example'), body: { assignee_id: agent2.id }, headers: { 'If-Match': res.headers.etag },
	});
	assert.equal(res.status, 200, res.text);
	const note = await request('acme', 'POST', `/api/v1/tickets/${t.number}/notes`, {
		token: await tokenOf('acme', 'agent2@acme.example'), body: { body: 'On it.', visibility: 'public' },
	});
	assert.equal(note.status, 201, note.text);

	const data = await timeline(a1, t.number);
	assert.deepEqual(data.map((e) => e.kind), ['created', 'status_changed', 'assigned', 'note_added']);
	assert.deepEqual(data.map((e) => e.actor), [
		{ id: agent1.id, name: agent1.name },
		{ id: agent1.id, name: agent1.name },
		{ id: manager.id, name: manager.name },
		{ id: agent2.id, name: agent2.name },
	]);
	assert.deepEqual(data[1].data, { from: 'not_started', to: 'in_progress' });
	assert.deepEqual(data[2].data, { from: null, to: agent2.id, to_name: agent2.name });
	assert.deepEqual(data[3].data, { note_id: note.json.id, visibility: 'public' });
	for (let i = 0; i < data.length; i++) {
		assert.ok(Number.isInteger(data[i].id));
		if (i > 0) assert.ok(data[i].id > data[i - 1].id);
		assert.match(data[i].created_at, RFC3339_UTC);
		if (i > 0) assert.ok(Date.parse(data[i].created_at) >= Date.parse(data[i - 1].created_at));
	}
	// Managers and admins read it too.
	assert.deepEqual(await timeline(await tokenOf('acme', 'manager@acme.example'), t.number), data);
	assert.deepEqual(await timeline(await tokenOf('acme', 'admin@acme.example'), t.number), data);
});

test('field edits, reassignment and unassignment are recorded', async () => {
	const agent1 = await userOf('acme', 'agent1@acme.example');
	const agent2 = await userOf('acme', 'agent2@acme.example');
	const carol = await userOf('acme', 'carol@northwind.example');
	const a1 = await tokenOf('acme', 'agent1@acme.example');
	const t = await newTicket('acme', a1, { subject: `${uniqueTag('TL')} edits`, customer_id: carol.id });
	const patch = async (body, etag) => {
		const r = await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, { token: a1, body, headers: { 'If-Match': etag } });
		assert.equal(r.status, 200, r.text);
		return r.headers.etag;
	};
	let etag = await patch({ priority: 'urgent' }, etagOf(t.version));
	etag = await patch({ assignee_id: agent1.id }, etag);
	etag = await patch({ assignee_id: agent2.id }, etag);
	etag = await patch({ assignee_id: null }, etag);
	const data = await timeline(a1, t.number);
	assert.deepEqual(data.map((e) => e.kind), ['created', 'updated', 'assigned', 'assigned', 'assigned']);
	assert.deepEqual(data[1].data, { fields: ['priority'] });
	assert.deepEqual(data[2].data, { from: null, to: agent1.id, to_name: agent1.name });
	assert.deepEqual(data[3].data, { from: agent1.id, to: agent2.id, to_name: agent2.name });
	assert.equal(data[4].data.from, agent2.id);
	assert.equal(data[4].data.to, null);
});

test('refused changes leave no timeline entry', async () => {
	const carol = await userOf('acme', 'carol@northwind.example');
	const a1 = await tokenOf('acme', 'agent1@acme.example');
	const t = await newTicket('acme', a1, { subject: `${uniqueTag('TL')} refused`, customer_id: carol.id });
	assert.equal((await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, { token: a1, body: { priority: 'high' }, headers: { 'If-Match': etagOf(t.version + 1) } })).status, 412);
	assert.equal((await request('acme', 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: a1, body: { to: 'not_started' } })).status, 422);
	assert.equal((await request('acme', 'POST', `/api/v1/tickets/${t.number}/notes`, { token: a1, body: { body: '' } })).status, 422);
	assert.deepEqual((await timeline(a1, t.number)).map((e) => e.kind), ['created']);
});

test('customers may not read the timeline, even of their own ticket: 403', async () => {
	const carol = await userOf('acme', 'carol@northwind.example');
	const t = await newTicket('acme', await tokenOf('acme', 'carol@northwind.example'), { subject: `${uniqueTag('TL')} own` });
	assert.equal(t.customer.id, carol.id);
	const res = await request('acme', 'GET', `/api/v1/tickets/${t.number}/timeline`, { token: await tokenOf('acme', 'carol@northwind.example') });
	assertProblem(res, 403, 'forbidden');
	// The customer's own creation is attributed to them.
	const data = await timeline(await tokenOf('acme', 'agent1@acme.example'), t.number);
	assert.equal(data[0].kind, 'created');
	assert.deepEqual(data[0].actor, { id: carol.id, name: carol.name });
});

test('the timeline of a missing ticket is 404', async () => {
	assertProblem(await request('acme', 'GET', '/api/v1/tickets/2147483000/timeline', { token: await tokenOf('acme', 'agent1@acme.example') }), 404, 'not_found');
});
