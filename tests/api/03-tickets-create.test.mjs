// Creating tickets: defaults, numbering, who may raise for whom, character limits,
// Idempotency-Key, and the body size limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, rawRequest, tokenOf, userOf, newTicket, getTicket, listAll, uniqueTag,
	assertProblem, assertFieldError, etagOf, RFC3339_UTC,
} from './lib.mjs';

const agent = () => tokenOf('acme', 'agent1@acme.example');
const carol = () => userOf('acme', 'carol@northwind.example');

test('staff create a ticket for a customer: 201, Location, ETag and defaults', async () => {
	const tag = uniqueTag('CR');
	const customer = await carol();
	const me = await userOf('acme', 'agent1@acme.example');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(),
		body: { subject: `${tag} printer jam`, description: 'Tray 2 jams on every page.', customer_id: customer.id },
	});
	assert.equal(res.status, 201, res.text);
	const t = res.json;
	assert.ok(Number.isInteger(t.number) && t.number > 0);
	assert.equal(res.headers.location, `/api/v1/tickets/${t.number}`);
	assert.ok(Number.isInteger(t.version));
	assert.equal(res.headers.etag, etagOf(t.version));
	assert.equal(t.subject, `${tag} printer jam`);
	assert.equal(t.description, 'Tray 2 jams on every page.');
	assert.equal(t.priority, 'normal');
	assert.equal(t.status.key, 'not_started');
	assert.equal(t.status.name, 'Not started');
	assert.equal(t.status.category, 'new');
	assert.match(t.status.color, /^#[0-9a-f]{6}$/i);
	assert.deepEqual(t.customer, { id: customer.id, name: customer.name, email: 'carol@northwind.example' });
	assert.deepEqual(t.company, customer.company);
	assert.equal(t.assignee, null);
	assert.match(t.created_at, RFC3339_UTC);
	assert.match(t.updated_at, RFC3339_UTC);
	assert.ok(Math.abs(Date.parse(t.created_at) - Date.now()) < 5 * 60 * 1000, `created_at ${t.created_at} is now`);
	assert.notEqual(t.customer.id, me.id);

	// The stored ticket reads back the same.
	const got = await getTicket('acme', await agent(), t.number);
	assert.deepEqual(got.json, t);
	assert.equal(got.headers.etag, res.headers.etag);
});

test('ticket numbers increase within a tenant and each tenant counts its own', async () => {
	const tag = uniqueTag('NU');
	const a1 = await newTicket('acme', await agent(), { subject: `${tag} a1`, customer_id: (await carol()).id });
	const gAgent = await tokenOf('globex', 'agent1@globex.example');
	const peter = await userOf('globex', 'peter@initech.example');
	const g1 = await newTicket('globex', gAgent, { subject: `${tag} g1`, customer_id: peter.id });
	const a2 = await newTicket('acme', await agent(), { subject: `${tag} a2`, customer_id: (await carol()).id });
	const g2 = await newTicket('globex', gAgent, { subject: `${tag} g2`, customer_id: peter.id });
	assert.ok(a2.number > a1.number, `${a2.number} > ${a1.number}`);
	assert.ok(g2.number > g1.number, `${g2.number} > ${g1.number}`);
	// Both tenants number from 1: ticket 1 exists in each and they are different tickets.
	const one = await getTicket('acme', await agent(), 1);
	const gone = await getTicket('globex', gAgent, 1);
	assert.equal(one.json.number, 1);
	assert.equal(gone.json.number, 1);
	assert.notDeepEqual(one.json.customer, gone.json.customer);
});

test('staff must give customer_id', async () => {
	const tag = uniqueTag('NC');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(), body: { subject: `${tag} no customer`, description: 'x' },
	});
	assertFieldError(res, '/customer_id', 'required');
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 0);
});

test('customer_id must be a customer of this tenant', async () => {
	const tag = uniqueTag('BC');
	const staff = await userOf('acme', 'agent2@acme.example');
	const foreign = await userOf('globex', 'peter@initech.example');
	for (const id of [staff.id, foreign.id, 2147483000]) {
		const res = await request('acme', 'POST', '/api/v1/tickets', {
			token: await agent(), body: { subject: `${tag} bad customer`, description: 'x', customer_id: id },
		});
		assertFieldError(res, '/customer_id', ['invalid_value', 'not_found']);
	}
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 0);
});

test('a customer raises their own ticket; customer and company are theirs', async () => {
	const tag = uniqueTag('CU');
	const me = await userOf('acme', 'dan@northwind.example');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await tokenOf('acme', 'dan@northwind.example'),
		body: { subject: `${tag} my laptop`, description: 'It will not boot.', priority: 'high' },
	});
	assert.equal(res.status, 201, res.text);
	const t = res.json;
	assert.equal(t.customer.id, me.id);
	assert.equal(t.customer.email, 'dan@northwind.example');
	assert.deepEqual(t.company, me.company);
	assert.equal(t.company.name, 'Northwind');
	assert.equal(t.priority, 'high');
	// Customer view: customer-facing status name, no colour, no assignee.
	assert.equal(t.status.key, 'not_started');
	assert.equal(t.status.name, 'Received');
	assert.equal(t.status.category, 'new');
	assert.equal('color' in t.status, false);
	assert.equal('assignee' in t, false);
	// Staff see it as the customer's ticket.
	const staffView = await getTicket('acme', await agent(), t.number);
	assert.equal(staffView.json.customer.id, me.id);
	assert.equal(staffView.json.status.name, 'Not started');
});

test('a customer cannot raise a ticket for someone else', async () => {
	const tag = uniqueTag('CO');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await tokenOf('acme', 'dan@northwind.example'),
		body: { subject: `${tag} for carol`, description: 'x', customer_id: (await carol()).id },
	});
	assertFieldError(res, '/customer_id', 'invalid_value');
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 0);
});

test('emoji and CJK in the subject are stored and read back byte for byte', async () => {
	const subject = 'Printer 🔥 故障 — urgent';
	const t = await newTicket('acme', await agent(), { subject, customer_id: (await carol()).id });
	assert.equal(t.subject, subject);
	const got = await getTicket('acme', await agent(), t.number);
	assert.ok(Buffer.from(got.json.subject, 'utf8').equals(Buffer.from(subject, 'utf8')));
	const customerView = await getTicket('acme', await tokenOf('acme', 'carol@northwind.example'), t.number);
	assert.equal(customerView.json.subject, subject);
});

test('a subject of exactly 200 characters (800 bytes of emoji) is accepted', async () => {
	const tag = uniqueTag('LM');
	const subject = `${tag} ` + '🔥'.repeat(100) + '故'.repeat(50) + 'x'.repeat(200 - 151 - tag.length);
	assert.equal([...subject].length, 200);
	const t = await newTicket('acme', await agent(), { subject, customer_id: (await carol()).id });
	assert.equal(t.subject, subject);
	assert.equal((await getTicket('acme', await agent(), t.number)).json.subject, subject);
});

test('a subject of 201 characters is 422 too_long at /subject', async () => {
	const tag = uniqueTag('LX');
	const subject = `${tag} ` + '🔥'.repeat(100) + 'x'.repeat(201 - 101 - tag.length);
	assert.equal([...subject].length, 201);
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(), body: { subject, description: 'x', customer_id: (await carol()).id },
	});
	assertFieldError(res, '/subject', 'too_long');
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 0);
});

test('an empty or missing subject is refused', async () => {
	const customer_id = (await carol()).id;
	const empty = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(), body: { subject: '', description: 'x', customer_id },
	});
	assertFieldError(empty, '/subject', 'too_short');
	const missing = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(), body: { description: 'x', customer_id },
	});
	assertFieldError(missing, '/subject', 'required');
});

test('a description of 20000 characters is accepted, 20001 is too_long', async () => {
	const tag = uniqueTag('DL');
	const customer_id = (await carol()).id;
	const ok = await newTicket('acme', await agent(), { subject: `${tag} long`, description: '😀'.repeat(20000), customer_id });
	assert.equal([...ok.description].length, 20000);
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(), body: { subject: `${tag} too long`, description: 'd'.repeat(20001), customer_id },
	});
	assertFieldError(res, '/description', 'too_long');
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 1);
});

test('priority must be one of low, normal, high, urgent', async () => {
	const tag = uniqueTag('PR');
	const customer_id = (await carol()).id;
	for (const priority of ['low', 'normal', 'high', 'urgent']) {
		const t = await newTicket('acme', await agent(), { subject: `${tag} ${priority}`, priority, customer_id });
		assert.equal(t.priority, priority);
	}
	for (const priority of ['critical', 'HIGH', '']) {
		const res = await request('acme', 'POST', '/api/v1/tickets', {
			token: await agent(), body: { subject: `${tag} bad`, description: 'x', priority, customer_id },
		});
		assertFieldError(res, '/priority', 'invalid_value');
	}
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 4);
});

test('Idempotency-Key: a retry returns the first answer, a different body is 422', async () => {
	const tag = uniqueTag('ID');
	const key = `key-${tag}`;
	const body = { subject: `${tag} idempotent`, description: 'once only', customer_id: (await carol()).id };
	const first = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), body, headers: { 'Idempotency-Key': key } });
	assert.equal(first.status, 201, first.text);
	assert.equal(first.headers['idempotency-replayed'], undefined);

	const again = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), body, headers: { 'Idempotency-Key': key } });
	assert.equal(again.status, 201, again.text);
	assert.equal(again.headers['idempotency-replayed'], 'true');
	assert.equal(again.json.number, first.json.number);
	assert.deepEqual(again.json, first.json);
	assert.equal(again.headers.location, first.headers.location);

	const other = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(), body: { ...body, description: 'a different body' }, headers: { 'Idempotency-Key': key },
	});
	assertProblem(other, 422, 'idempotency_key_reused');

	const list = await listAll('acme', await agent(), { q: tag });
	assert.deepEqual(list.map((t) => t.number), [first.json.number]);
	assert.equal((await getTicket('acme', await agent(), first.json.number)).json.description, 'once only');

	// Without the key, the same body creates a second ticket.
	const plain = await newTicket('acme', await agent(), body);
	assert.ok(plain.number > first.json.number);
});

test('Idempotency-Key values are scoped to the tenant', async () => {
	const tag = uniqueTag('IU');
	const key = `key-${tag}`;
	const body = { subject: `${tag} scoped`, description: 'x', customer_id: (await carol()).id };
	const a = await request('acme', 'POST', '/api/v1/tickets', { token: await agent(), body, headers: { 'Idempotency-Key': key } });
	assert.equal(a.status, 201, a.text);
	// The same key at the other tenant is a new request there, never a replay of acme's answer.
	const gAgent = await tokenOf('globex', 'agent1@globex.example');
	const peter = await userOf('globex', 'peter@initech.example');
	const g = await request('globex', 'POST', '/api/v1/tickets', {
		token: gAgent, body: { ...body, customer_id: peter.id }, headers: { 'Idempotency-Key': key },
	});
	assert.equal(g.status, 201, g.text);
	assert.equal(g.headers['idempotency-replayed'], undefined);
	assert.equal(g.json.customer.id, peter.id);
	assert.equal(g.text.includes('northwind'), false);
});

test('concurrent retries with one Idempotency-Key create one ticket', async () => {
	const tag = uniqueTag('IC');
	const key = `key-${tag}`;
	const body = { subject: `${tag} concurrent retries`, description: 'x', customer_id: (await carol()).id };
	const token = await agent();
	const answers = await Promise.all(Array.from({ length: 6 }, () =>
		request('acme', 'POST', '/api/v1/tickets', { token, body, headers: { 'Idempotency-Key': key } })));
	const list = await listAll('acme', token, { q: tag });
	assert.equal(list.length, 1, `tickets created: ${list.length}`);
	for (const res of answers) {
		// A retry that overlaps the first request may be told to try again (409); any
		// success names the one ticket.
		if (res.status === 409) {
			assertProblem(res, 409, 'conflict');
			continue;
		}
		assert.equal(res.status, 201, res.text);
		assert.equal(res.json.number, list[0].number);
	}
	assert.ok(answers.some((r) => r.status === 201));
});

test('concurrent creates get distinct numbers', async () => {
	const tag = uniqueTag('CC');
	const token = await agent();
	const customer_id = (await carol()).id;
	const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
		request('acme', 'POST', '/api/v1/tickets', { token, body: { subject: `${tag} ${i}`, description: 'x', customer_id } })));
	for (const res of answers) assert.equal(res.status, 201, res.text);
	const numbers = answers.map((r) => r.json.number);
	assert.equal(new Set(numbers).size, 12);
	const list = await listAll('acme', token, { q: tag });
	assert.deepEqual(list.map((t) => t.number), [...numbers].sort((a, b) => b - a));
});

test('an Idempotency-Key longer than 100 characters is refused', async () => {
	const tag = uniqueTag('IL');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: await agent(),
		body: { subject: `${tag} long key`, description: 'x', customer_id: (await carol()).id },
		headers: { 'Idempotency-Key': 'k'.repeat(101) },
	});
	assert.ok(res.status === 400 || res.status === 422, `${res.status} ${res.text}`);
	assert.equal(res.json.code, res.status === 400 ? 'invalid_parameter' : 'validation_failed');
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 0);
});

test('a body over 128 KiB is 413 payload_too_large, creates nothing, and the next request works', async () => {
	const tag = uniqueTag('BG');
	const customer_id = (await carol()).id;
	const big = JSON.stringify({ subject: `${tag} huge`, description: 'x'.repeat(129 * 1024), customer_id });
	const res = await rawRequest('acme', 'POST', '/api/v1/tickets', { token: await agent(), body: big });
	assertProblem(res, 413, 'payload_too_large');
	assert.equal((await listAll('acme', await agent(), { q: tag })).length, 0);

	const next = await newTicket('acme', await agent(), { subject: `${tag} small`, customer_id });
	assert.equal(next.subject, `${tag} small`);
	const list = await listAll('acme', await agent(), { q: tag });
	assert.deepEqual(list.map((t) => t.subject), [`${tag} small`]);
});

test('a body just under 128 KiB is not refused for its size', async () => {
	const tag = uniqueTag('BU');
	const customer_id = (await carol()).id;
	// Valid JSON padded with whitespace up to 127 KiB: size is fine, content is fine.
	const json = JSON.stringify({ subject: `${tag} padded`, description: 'x', customer_id });
	const padded = json.slice(0, -1) + ' '.repeat(127 * 1024 - json.length) + '}';
	const res = await rawRequest('acme', 'POST', '/api/v1/tickets', { token: await agent(), body: padded });
	assert.equal(res.status, 201, res.text);
	assert.equal(res.json.subject, `${tag} padded`);
});
