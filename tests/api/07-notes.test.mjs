// Worknotes: internal and public, what customers may see and post, Unicode round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, tokenOf, userOf, newTicket, getTicket, uniqueTag, assertProblem, assertFieldError,
	RFC3339_UTC,
} from './lib.mjs';

const agent = () => tokenOf('acme', 'agent1@acme.example');
const carolToken = () => tokenOf('acme', 'carol@northwind.example');

async function fresh(label) {
	const carol = await userOf('acme', 'carol@northwind.example');
	return newTicket('acme', await agent(), { subject: `${uniqueTag('NO')} ${label}`, customer_id: carol.id });
}

function post(token, number, body) {
	return request('acme', 'POST', `/api/v1/tickets/${number}/notes`, { token, body });
}

async function notes(token, number) {
	const res = await request('acme', 'GET', `/api/v1/tickets/${number}/notes`, { token });
	assert.equal(res.status, 200, res.text);
	return res.json;
}

test('staff add internal and public notes; staff read both, oldest first', async () => {
	const t = await fresh('both');
	const me = await userOf('acme', 'agent1@acme.example');
	const internal = await post(await agent(), t.number, { body: 'Checked the spooler.', visibility: 'internal' });
	assert.equal(internal.status, 201, internal.text);
	assert.ok(Number.isInteger(internal.json.id));
	assert.equal(internal.json.visibility, 'internal');
	assert.equal(internal.json.body, 'Checked the spooler.');
	assert.deepEqual(internal.json.author, { id: me.id, name: me.name, role: 'agent' });
	assert.match(internal.json.created_at, RFC3339_UTC);

	const pub = await post(await agent(), t.number, { body: 'We are looking into it.', visibility: 'public' });
	assert.equal(pub.status, 201, pub.text);
	assert.equal(pub.json.visibility, 'public');

	const defaulted = await post(await agent(), t.number, { body: 'No visibility given.' });
	assert.equal(defaulted.status, 201, defaulted.text);
	assert.equal(defaulted.json.visibility, 'internal');

	const list = await notes(await agent(), t.number);
	assert.equal(list.next_cursor, null);
	assert.deepEqual(list.data, [internal.json, pub.json, defaulted.json]);
});

test('customers read public notes only', async () => {
	const t = await fresh('customer reads');
	const i1 = await post(await agent(), t.number, { body: 'internal one', visibility: 'internal' });
	const p1 = await post(await agent(), t.number, { body: 'public one', visibility: 'public' });
	const i2 = await post(await agent(), t.number, { body: 'internal two', visibility: 'internal' });
	const p2 = await post(await carolToken(), t.number, { body: 'customer reply' });
	for (const r of [i1, p1, i2, p2]) assert.equal(r.status, 201, r.text);
	assert.equal(p2.json.visibility, 'public');
	assert.equal(p2.json.author.role, 'customer');

	for (const email of ['carol@northwind.example', 'dan@northwind.example']) {
		const list = await notes(await tokenOf('acme', email), t.number);
		assert.deepEqual(list.data.map((n) => n.id), [p1.json.id, p2.json.id], email);
		assert.deepEqual(list.data.map((n) => n.visibility), ['public', 'public']);
		assert.deepEqual(list.data.map((n) => n.body), ['public one', 'customer reply']);
	}
});

test('4-byte characters in a note body are stored and read back unchanged', async () => {
	const t = await fresh('unicode note');
	const body = '👆TEST' + String.fromCodePoint(0x20000);
	const res = await post(await agent(), t.number, { body, visibility: 'public' });
	assert.equal(res.status, 201, res.text);
	assert.equal(res.json.body, body);
	const staff = (await notes(await agent(), t.number)).data.find((n) => n.id === res.json.id);
	assert.ok(Buffer.from(staff.body, 'utf8').equals(Buffer.from(body, 'utf8')));
	const customer = (await notes(await carolToken(), t.number)).data.find((n) => n.id === res.json.id);
	assert.equal(customer.body, body);
});

test('note body length: 1 to 20000 characters', async () => {
	const t = await fresh('note length');
	assertFieldError(await post(await agent(), t.number, { body: '', visibility: 'public' }), '/body', 'too_short');
	assertFieldError(await post(await agent(), t.number, { visibility: 'public' }), '/body', 'required');
	assertFieldError(await post(await agent(), t.number, { body: 'n'.repeat(20001), visibility: 'public' }), '/body', 'too_long');
	const max = await post(await agent(), t.number, { body: '🙂'.repeat(20000), visibility: 'internal' });
	assert.equal(max.status, 201, max.text);
	assert.equal([...max.json.body].length, 20000);
	assertFieldError(await post(await agent(), t.number, { body: 'x', visibility: 'secret' }), '/visibility', 'invalid_value');
	assertFieldError(await post(await agent(), t.number, { body: 'x', visibility: 'public', pinned: true }), '/pinned', 'unknown_field');
	assert.equal((await notes(await agent(), t.number)).data.length, 1);
});

test('a customer cannot post an internal note', async () => {
	const t = await fresh('customer internal');
	const res = await post(await carolToken(), t.number, { body: 'let me in', visibility: 'internal' });
	assertFieldError(res, '/visibility', 'invalid_value');
	assert.deepEqual((await notes(await agent(), t.number)).data, []);
});

test('a customer reply to a ticket awaiting update moves it to in progress', async () => {
	const t = await fresh('awaiting reply');
	const moved = await request('acme', 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: await agent(), body: { to: 'awaiting_update' } });
	assert.equal(moved.status, 200, moved.text);
	assert.equal(moved.json.status.key, 'awaiting_update');
	// A staff note does not move it.
	assert.equal((await post(await agent(), t.number, { body: 'Could you send a photo?', visibility: 'public' })).status, 201);
	assert.equal((await getTicket('acme', await agent(), t.number)).json.status.key, 'awaiting_update');

	const reply = await post(await carolToken(), t.number, { body: 'Photo attached.', visibility: 'public' });
	assert.equal(reply.status, 201, reply.text);
	const after = await getTicket('acme', await agent(), t.number);
	assert.equal(after.json.status.key, 'in_progress');
	const customerView = await getTicket('acme', await carolToken(), t.number);
	assert.equal(customerView.json.status.name, 'Being worked on');
});

test('a customer reply on a ticket that is not awaiting update leaves the status alone', async () => {
	const t = await fresh('deferred reply');
	assert.equal((await request('acme', 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: await agent(), body: { to: 'deferred' } })).status, 200);
	assert.equal((await post(await carolToken(), t.number, { body: 'Any news?' })).status, 201);
	assert.equal((await getTicket('acme', await agent(), t.number)).json.status.key, 'deferred');
});

test('an internal note never reaches a customer through any endpoint', async () => {
	const canary = uniqueTag('CANARY');
	const t = await fresh('canary');
	const dan = await userOf('acme', 'dan@northwind.example');
	const dansTicket = await newTicket('acme', await agent(), { subject: `${uniqueTag('NO')} dan canary`, customer_id: dan.id });
	for (const number of [t.number, dansTicket.number]) {
		const n = await post(await agent(), number, { body: `Internal: ${canary} do not disclose`, visibility: 'internal' });
		assert.equal(n.status, 201, n.text);
		assert.equal((await post(await agent(), number, { body: 'Public update.', visibility: 'public' })).status, 201);
	}
	// The staff side does see it, so the search below is meaningful.
	assert.ok((await request('acme', 'GET', `/api/v1/tickets/${t.number}/notes`, { token: await agent() })).text.includes(canary));

	for (const email of ['carol@northwind.example', 'dan@northwind.example', 'erin@contoso.example']) {
		const token = await tokenOf('acme', email);
		const paths = [
			'/api/v1/me', '/api/v1/statuses', '/api/v1/tickets', '/api/v1/tickets?limit=100',
			`/api/v1/tickets?q=${canary}`, '/api/v1/users?role=staff', '/api/v1/users?role=customer',
		];
		for (const number of [t.number, dansTicket.number]) {
			paths.push(`/api/v1/tickets/${number}`, `/api/v1/tickets/${number}/notes`, `/api/v1/tickets/${number}/timeline`);
		}
		for (const path of paths) {
			const res = await request('acme', 'GET', path, { token });
			assert.equal(res.text.includes(canary), false, `${email} GET ${path} leaks the internal note`);
			assert.ok(res.status < 500, `${email} GET ${path}: ${res.status}`);
		}
		// Nor in what a customer's own note post returns.
		const mine = await post(token, t.number, { body: 'Reply from the portal.' });
		assert.equal(mine.text.includes(canary), false, `${email} POST note leaks the internal note`);
	}
	// The customer's notes list is exactly the public ones.
	const carolNotes = await notes(await carolToken(), t.number);
	assert.ok(carolNotes.data.every((n) => n.visibility === 'public'));
	assert.equal((await request('acme', 'GET', `/api/v1/tickets?q=${canary}`, { token: await agent() })).json.data.length, 0);
});

test('notes of a missing ticket are 404', async () => {
	assertProblem(await request('acme', 'GET', '/api/v1/tickets/2147483000/notes', { token: await agent() }), 404, 'not_found');
	assertProblem(await post(await agent(), 2147483000, { body: 'x' }), 404, 'not_found');
});
