// Listing tickets: cursor pagination, the limit parameter, and filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, tokenOf, userOf, newTicket, listAll, uniqueTag, assertProblem, etagOf,
} from './lib.mjs';

const agent = () => tokenOf('acme', 'agent1@acme.example');

async function page(token, query) {
	const res = await request('acme', 'GET', `/api/v1/tickets?${new URLSearchParams(query)}`, { token });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(Object.keys(res.json).sort(), ['data', 'next_cursor']);
	return res.json;
}

function assertNewestFirst(items) {
	for (let i = 1; i < items.length; i++) {
		assert.ok(items[i - 1].number > items[i].number, `order at ${i}: ${items[i - 1].number} then ${items[i].number}`);
	}
}

test('45 tickets in pages of 20: three pages, each ticket exactly once, newest first, stable under inserts', async () => {
	const tag = uniqueTag('PG');
	const customer = await userOf('acme', 'carol@northwind.example');
	const created = [];
	for (let i = 1; i <= 45; i++) {
		created.push((await newTicket('acme', await agent(), { subject: `${tag} item ${i}`, customer_id: customer.id })).number);
	}
	const expected = [...created].sort((a, b) => b - a);

	const p1 = await page(await agent(), { q: tag, limit: '20' });
	assert.equal(p1.data.length, 20);
	assert.equal(typeof p1.next_cursor, 'string');
	assert.ok(p1.next_cursor.length > 0);

	// A ticket created between page fetches is newer than everything listed so far; it must
	// neither shift later pages (duplicates) nor push anything out of them (omissions).
	const late = await newTicket('acme', await agent(), { subject: `${tag} late arrival`, customer_id: customer.id });

	const p2 = await page(await agent(), { q: tag, limit: '20', cursor: p1.next_cursor });
	assert.equal(p2.data.length, 20);
	assert.equal(typeof p2.next_cursor, 'string');
	const p3 = await page(await agent(), { q: tag, limit: '20', cursor: p2.next_cursor });
	assert.equal(p3.data.length, 5);
	assert.equal(p3.next_cursor, null);

	const seen = [...p1.data, ...p2.data, ...p3.data].map((t) => t.number);
	assert.deepEqual(seen, expected);
	assertNewestFirst([...p1.data, ...p2.data, ...p3.data]);

	// A fresh first page starts with the late ticket.
	const fresh = await page(await agent(), { q: tag, limit: '20' });
	assert.equal(fresh.data[0].number, late.number);
	assert.deepEqual(fresh.data.slice(1).map((t) => t.number), expected.slice(0, 19));

	// The customer sees the same 46 in the same order.
	const mine = await listAll('acme', await tokenOf('acme', 'carol@northwind.example'), { q: tag });
	assert.deepEqual(mine.map((t) => t.number), [late.number, ...expected]);
});

test('list items have the ticket shape', async () => {
	const tag = uniqueTag('SH');
	const customer = await userOf('acme', 'dan@northwind.example');
	const t = await newTicket('acme', await agent(), { subject: `${tag} shape`, customer_id: customer.id });
	const { data } = await page(await agent(), { q: tag });
	assert.equal(data.length, 1);
	// A list item is the ticket, possibly without its description.
	const { description, ...summary } = t;
	assert.equal(description, 'Created by the API tests.');
	const { description: listed, ...item } = data[0];
	assert.ok(listed === undefined || listed === description);
	assert.deepEqual(item, summary);
	const customerView = (await page(await tokenOf('acme', 'dan@northwind.example'), { q: tag })).data;
	assert.equal(customerView.length, 1);
	assert.equal(customerView[0].number, t.number);
	assert.equal('assignee' in customerView[0], false);
	assert.equal('color' in customerView[0].status, false);
	assert.equal(customerView[0].status.name, 'Received');
});

test('limit defaults to 25 and is capped at 100', async () => {
	const def = await page(await agent(), {});
	assert.ok(def.data.length <= 25);
	if (def.next_cursor !== null) assert.equal(def.data.length, 25);
	const big = await page(await agent(), { limit: '100000' });
	assert.ok(big.data.length <= 100, `${big.data.length} items`);
	if (big.next_cursor !== null) assert.equal(big.data.length, 100);
	assertNewestFirst(big.data);
	const exact = await page(await agent(), { limit: '100' });
	assert.ok(exact.data.length <= 100);
	if (exact.next_cursor !== null) assert.equal(exact.data.length, 100);
	const one = await page(await agent(), { limit: '1' });
	assert.equal(one.data.length, 1);
	assert.equal(typeof one.next_cursor === 'string' || one.next_cursor === null, true);
});

test('limit=0, negative, non-integer or empty is 400 invalid_parameter', async () => {
	for (const limit of ['0', '-1', 'abc', '1.5', '', '10abc', '1e2']) {
		const res = await request('acme', 'GET', `/api/v1/tickets?limit=${encodeURIComponent(limit)}`, { token: await agent() });
		assertProblem(res, 400, 'invalid_parameter');
	}
});

test('a cursor that was not issued by the server is 400 invalid_parameter', async () => {
	for (const cursor of ['garbage', '!!!', "1' OR '1'='1"]) {
		const res = await request('acme', 'GET', `/api/v1/tickets?cursor=${encodeURIComponent(cursor)}`, { token: await agent() });
		assertProblem(res, 400, 'invalid_parameter');
	}
});

test('filters: status, priority, assignee (me, none, id) and customer', async () => {
	const tag = uniqueTag('FI');
	const token = await agent();
	const me = await userOf('acme', 'agent1@acme.example');
	const agent2 = await userOf('acme', 'agent2@acme.example');
	const carol = await userOf('acme', 'carol@northwind.example');
	const dan = await userOf('acme', 'dan@northwind.example');

	const high = await newTicket('acme', token, { subject: `${tag} high`, priority: 'high', customer_id: carol.id });
	const mine = await newTicket('acme', token, { subject: `${tag} mine`, priority: 'low', customer_id: carol.id });
	const theirs = await newTicket('acme', token, { subject: `${tag} theirs`, customer_id: carol.id });
	const moving = await newTicket('acme', token, { subject: `${tag} moving`, customer_id: carol.id });
	const dans = await newTicket('acme', token, { subject: `${tag} dans`, customer_id: dan.id });

	let res = await request('acme', 'PATCH', `/api/v1/tickets/${mine.number}`, {
		token, body: { assignee_id: me.id }, headers: { 'If-Match': etagOf(mine.version) },
	});
	assert.equal(res.status, 200, res.text);
	res = await request('acme', 'PATCH', `/api/v1/tickets/${theirs.number}`, {
		token, body: { assignee_id: agent2.id }, headers: { 'If-Match': etagOf(theirs.version) },
	});
	assert.equal(res.status, 200, res.text);
	res = await request('acme', 'POST', `/api/v1/tickets/${moving.number}/transitions`, { token, body: { to: 'in_progress' } });
	assert.equal(res.status, 200, res.text);

	const numbers = async (query) => (await listAll('acme', token, { q: tag, ...query })).map((t) => t.number);
	const desc = (...ts) => ts.map((t) => t.number).sort((a, b) => b - a);

	assert.deepEqual(await numbers({}), desc(high, mine, theirs, moving, dans));
	assert.deepEqual(await numbers({ status: 'in_progress' }), desc(moving));
	assert.deepEqual(await numbers({ status: 'not_started' }), desc(high, mine, theirs, dans));
	assert.deepEqual(await numbers({ status: 'resolved' }), []);
	assert.deepEqual(await numbers({ priority: 'high' }), desc(high));
	assert.deepEqual(await numbers({ priority: 'low' }), desc(mine));
	assert.deepEqual(await numbers({ priority: 'normal' }), desc(theirs, moving, dans));
	assert.deepEqual(await numbers({ assignee: 'me' }), desc(mine));
	assert.deepEqual(await numbers({ assignee: String(agent2.id) }), desc(theirs));
	assert.deepEqual(await numbers({ assignee: 'none' }), desc(high, moving, dans));
	assert.deepEqual(await numbers({ customer: String(dan.id) }), desc(dans));
	assert.deepEqual(await numbers({ customer: String(carol.id) }), desc(high, mine, theirs, moving));
	assert.deepEqual(await numbers({ customer: String(carol.id), priority: 'low', assignee: 'me' }), desc(mine));
	assert.deepEqual(await numbers({ status: 'not_started', assignee: 'none' }), desc(high, dans));

	// assignee=me means the caller: for agent2 it is their ticket.
	const asAgent2 = await listAll('acme', await tokenOf('acme', 'agent2@acme.example'), { q: tag, assignee: 'me' });
	assert.deepEqual(asAgent2.map((t) => t.number), desc(theirs));
	for (const t of asAgent2) assert.equal(t.assignee.id, agent2.id);
});

test('q matches subject text only within the tenant', async () => {
	const tag = uniqueTag('QQ');
	const t = await newTicket('acme', await agent(), {
		subject: `Monitor flickers ${tag}`, customer_id: (await userOf('acme', 'carol@northwind.example')).id,
	});
	assert.deepEqual((await listAll('acme', await agent(), { q: tag })).map((x) => x.number), [t.number]);
	assert.deepEqual((await listAll('acme', await agent(), { q: `flickers ${tag}` })).map((x) => x.number), [t.number]);
	assert.deepEqual(await listAll('acme', await agent(), { q: `${tag}zz` }), []);
	const globex = await listAll('globex', await tokenOf('globex', 'agent1@globex.example'), { q: tag });
	assert.deepEqual(globex, []);
});

test('unknown filter values are 400 invalid_parameter', async () => {
	for (const query of ['status=bogus', 'priority=extreme', 'assignee=someone', 'customer=abc']) {
		const res = await request('acme', 'GET', `/api/v1/tickets?${query}`, { token: await agent() });
		assertProblem(res, 400, 'invalid_parameter');
	}
});

test('customers cannot filter by what only staff see: assignee, queue and tag are 400', async () => {
	const tag = uniqueTag('CF');
	const carol = await userOf('acme', 'carol@northwind.example');
	const me = await userOf('acme', 'agent1@acme.example');
	const t = await newTicket('acme', await agent(), { subject: `${tag} assigned`, customer_id: carol.id });
	const res = await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`, {
		token: await agent(), body: { assignee_id: me.id }, headers: { 'If-Match': etagOf(t.version) },
	});
	assert.equal(res.status, 200, res.text);
	const customer = await tokenOf('acme', 'carol@northwind.example');
	// Answering these would tell the customer who works their ticket, or where it waits.
	for (const [name, value] of [['assignee', String(me.id)], ['assignee', 'none'], ['assignee', 'me'], ['queue', 'fallback'], ['tag', 'vip']]) {
		const refused = await request('acme', 'GET', `/api/v1/tickets?${new URLSearchParams({ q: tag, [name]: value })}`, { token: customer });
		assertProblem(refused, 400, 'invalid_parameter');
		assert.equal(refused.json.detail, `${name} filters by what only staff see; customers cannot filter by it.`);
	}
	// The filters customers see the values of still work for them.
	assert.deepEqual((await page(customer, { q: tag, priority: 'normal', status: 'not_started' })).data.map((x) => x.number), [t.number]);
	assert.deepEqual((await page(customer, { q: tag, customer: String(carol.id) })).data.map((x) => x.number), [t.number]);
});

test('a query parameter given twice is 400 invalid_parameter', async () => {
	for (const query of ['status=new&status=resolved', 'limit=5&limit=10', 'q=a&q=b', 'assignee=me&assignee=none']) {
		const res = await request('acme', 'GET', `/api/v1/tickets?${query}`, { token: await agent() });
		assertProblem(res, 400, 'invalid_parameter');
	}
});

test('listing needs a token', async () => {
	assertProblem(await request('acme', 'GET', '/api/v1/tickets'), 401, 'unauthorized');
});
