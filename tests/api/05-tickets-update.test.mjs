// PATCH /tickets/{number}: If-Match, lost-update protection, and field validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, tokenOf, userOf, newTicket, getTicket, uniqueTag, assertProblem, assertFieldError, etagOf,
} from './lib.mjs';

const agent1 = () => tokenOf('acme', 'agent1@acme.example');
const agent2 = () => tokenOf('acme', 'agent2@acme.example');

async function fresh(label) {
	const carol = await userOf('acme', 'carol@northwind.example');
	return newTicket('acme', await agent1(), { subject: `${uniqueTag('UP')} ${label}`, customer_id: carol.id });
}

function patch(token, number, body, etag) {
	const headers = etag === undefined ? {} : { 'If-Match': etag };
	return request('acme', 'PATCH', `/api/v1/tickets/${number}`, { token, body, headers });
}

test('PATCH with the current ETag changes the field and bumps the version', async () => {
	const t = await fresh('priority');
	const res = await patch(await agent1(), t.number, { priority: 'urgent' }, etagOf(t.version));
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.priority, 'urgent');
	assert.equal(res.json.version, t.version + 1);
	assert.equal(res.headers.etag, etagOf(t.version + 1));
	assert.equal(res.json.subject, t.subject);
	assert.equal(res.json.status.key, 'not_started');
	assert.ok(Date.parse(res.json.updated_at) >= Date.parse(t.updated_at));
	const got = await getTicket('acme', await agent1(), t.number);
	assert.deepEqual(got.json, res.json);
	assert.equal(got.headers.etag, etagOf(t.version + 1));
});

test('PATCH without If-Match is 428 and changes nothing', async () => {
	const t = await fresh('no if-match');
	const res = await patch(await agent1(), t.number, { priority: 'high' });
	assertProblem(res, 428, 'precondition_required');
	const got = await getTicket('acme', await agent1(), t.number);
	assert.deepEqual(got.json, t);
});

test('PATCH with a stale ETag is 412 and changes nothing', async () => {
	const t = await fresh('stale');
	const ok = await patch(await agent1(), t.number, { priority: 'low' }, etagOf(t.version));
	assert.equal(ok.status, 200, ok.text);
	for (const etag of [etagOf(t.version), etagOf(t.version + 5), '"abc"', 'W/"1"']) {
		const res = await patch(await agent1(), t.number, { priority: 'urgent', subject: 'overwritten' }, etag);
		assertProblem(res, 412, 'precondition_failed');
	}
	const got = await getTicket('acme', await agent1(), t.number);
	assert.deepEqual(got.json, ok.json);
	assert.equal(got.json.priority, 'low');
});

test('two agents edit the same ticket: the second gets 412, never a silent overwrite', async () => {
	const t = await fresh('two agents');
	const a2 = await userOf('acme', 'agent2@acme.example');
	const seen1 = await getTicket('acme', await agent1(), t.number);
	const seen2 = await getTicket('acme', await agent2(), t.number);
	assert.equal(seen1.headers.etag, seen2.headers.etag);

	const first = await patch(await agent1(), t.number, { priority: 'high' }, seen1.headers.etag);
	assert.equal(first.status, 200, first.text);
	assert.equal(first.json.priority, 'high');

	const second = await patch(await agent2(), t.number, { assignee_id: a2.id }, seen2.headers.etag);
	assertProblem(second, 412, 'precondition_failed');

	const now = await getTicket('acme', await agent1(), t.number);
	assert.equal(now.json.priority, 'high');
	assert.equal(now.json.assignee, null);
	assert.equal(now.json.version, t.version + 1);

	// Reloading and trying again works.
	const retry = await patch(await agent2(), t.number, { assignee_id: a2.id }, now.headers.etag);
	assert.equal(retry.status, 200, retry.text);
	assert.deepEqual(retry.json.assignee, { id: a2.id, name: a2.name });
	assert.equal(retry.json.priority, 'high');
});

test('concurrent PATCHes with one ETag: exactly one wins', async () => {
	const t = await fresh('race');
	const etag = etagOf(t.version);
	const tokens = [await agent1(), await agent2(), await tokenOf('acme', 'manager@acme.example')];
	const priorities = ['low', 'high', 'urgent'];
	const results = await Promise.all(tokens.map((tok, i) => patch(tok, t.number, { priority: priorities[i] }, etag)));
	const statuses = results.map((r) => r.status).sort();
	assert.deepEqual(statuses, [200, 412, 412], results.map((r) => r.text).join('\n'));
	const winner = results.find((r) => r.status === 200);
	const got = await getTicket('acme', await agent1(), t.number);
	assert.equal(got.json.priority, winner.json.priority);
	assert.equal(got.json.version, t.version + 1);
});

test('assigning to staff of the tenant, and unassigning with null', async () => {
	const t = await fresh('assign');
	const a2 = await userOf('acme', 'agent2@acme.example');
	const manager = await userOf('acme', 'manager@acme.example');
	let res = await patch(await agent1(), t.number, { assignee_id: a2.id }, etagOf(t.version));
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json.assignee, { id: a2.id, name: a2.name });
	res = await patch(await agent1(), t.number, { assignee_id: manager.id }, res.headers.etag);
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json.assignee, { id: manager.id, name: manager.name });
	res = await patch(await agent1(), t.number, { assignee_id: null }, res.headers.etag);
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.assignee, null);
	assert.equal(res.json.version, t.version + 3);
});

test('assignee_id of a customer, of another tenant\'s agent, or of nobody is 422', async () => {
	const t = await fresh('bad assignee');
	const carol = await userOf('acme', 'carol@northwind.example');
	const foreign = await userOf('globex', 'agent1@globex.example');
	for (const id of [carol.id, foreign.id, 2147483000]) {
		const res = await patch(await agent1(), t.number, { assignee_id: id }, etagOf(t.version));
		assertFieldError(res, '/assignee_id', ['invalid_value', 'not_found']);
	}
	const got = await getTicket('acme', await agent1(), t.number);
	assert.deepEqual(got.json, t);
	assert.equal(got.json.assignee, null);
});

test('an unknown field is 422 unknown_field and nothing changes', async () => {
	const t = await fresh('unknown field');
	for (const [field, value] of [['foo', 1], ['status', 'resolved'], ['version', 99], ['tenant_id', 2], ['customer_id', 1], ['number', 1]]) {
		const res = await patch(await agent1(), t.number, { priority: 'high', [field]: value }, etagOf(t.version));
		assertFieldError(res, `/${field}`, 'unknown_field');
	}
	assert.deepEqual((await getTicket('acme', await agent1(), t.number)).json, t);
});

test('PATCH validates values: subject length, priority, types', async () => {
	const t = await fresh('values');
	const etag = etagOf(t.version);
	assertFieldError(await patch(await agent1(), t.number, { subject: 's'.repeat(201) }, etag), '/subject', 'too_long');
	assertFieldError(await patch(await agent1(), t.number, { subject: '' }, etag), '/subject', 'too_short');
	assertFieldError(await patch(await agent1(), t.number, { priority: 'extreme' }, etag), '/priority', 'invalid_value');
	assertFieldError(await patch(await agent1(), t.number, { priority: 3 }, etag), '/priority', 'invalid_type');
	assertFieldError(await patch(await agent1(), t.number, { assignee_id: 'agent2' }, etag), '/assignee_id', 'invalid_type');
	assert.deepEqual((await getTicket('acme', await agent1(), t.number)).json, t);
	// A valid subject change with characters outside the BMP.
	const subject = `${t.subject} 🧯 fixed`;
	const ok = await patch(await agent1(), t.number, { subject }, etag);
	assert.equal(ok.status, 200, ok.text);
	assert.equal(ok.json.subject, subject);
});

test('an empty PATCH body is refused or leaves the ticket as it was', async () => {
	const t = await fresh('empty');
	const res = await patch(await agent1(), t.number, {}, etagOf(t.version));
	if (res.status === 200) {
		assert.equal(res.json.priority, t.priority);
		assert.equal(res.json.subject, t.subject);
	} else {
		assertProblem(res, 422, 'validation_failed');
	}
});

test('customers may not PATCH, even their own ticket', async () => {
	const t = await fresh('customer patch');
	const carol = await tokenOf('acme', 'carol@northwind.example');
	const res = await patch(carol, t.number, { priority: 'urgent' }, etagOf(t.version));
	assertProblem(res, 403, 'forbidden');
	assert.deepEqual((await getTicket('acme', await agent1(), t.number)).json, t);
});

test('PATCH of a ticket number that does not exist is 404', async () => {
	const res = await patch(await agent1(), 2147483000, { priority: 'high' }, '"1"');
	assertProblem(res, 404, 'not_found');
});
