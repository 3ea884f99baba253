// Who may see what: company colleagues, other companies, other tenants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	request, tokenOf, userOf, newTicket, listAll, uniqueTag, assertProblem, withoutInstance,
	etagOf, PORT,
} from './lib.mjs';

const MISSING = 2147483000;
const tok = (email) => tokenOf('acme', email);

// Asserts that two answers are the same problem, apart from the request id.
function assertSameProblem(got, missing, what) {
	assert.equal(got.status, missing.status, `${what}: ${got.status} vs ${missing.status}`);
	assert.equal(got.headers['content-type'], missing.headers['content-type'], what);
	assert.deepEqual(withoutInstance(got.json), withoutInstance(missing.json), what);
}

test('a Northwind colleague sees the ticket (customers_see_company), a Contoso customer does not', async () => {
	const tag = uniqueTag('IS');
	const carolT = await newTicket('acme', await tok('carol@northwind.example'), { subject: `${tag} carol` });
	const danT = await newTicket('acme', await tok('dan@northwind.example'), { subject: `${tag} dan` });
	const erinT = await newTicket('acme', await tok('erin@contoso.example'), { subject: `${tag} erin` });

	const asCarol = await request('acme', 'GET', `/api/v1/tickets/${danT.number}`, { token: await tok('carol@northwind.example') });
	assert.equal(asCarol.status, 200, asCarol.text);
	assert.equal(asCarol.json.subject, `${tag} dan`);

	const carolList = await listAll('acme', await tok('carol@northwind.example'), { q: tag });
	assert.deepEqual(carolList.map((t) => t.number), [danT.number, carolT.number]);
	const danList = await listAll('acme', await tok('dan@northwind.example'), { q: tag });
	assert.deepEqual(danList.map((t) => t.number), [danT.number, carolT.number]);
	const erinList = await listAll('acme', await tok('erin@contoso.example'), { q: tag });
	assert.deepEqual(erinList.map((t) => t.number), [erinT.number]);
	const staffList = await listAll('acme', await tok('agent1@acme.example'), { q: tag });
	assert.deepEqual(staffList.map((t) => t.number), [erinT.number, danT.number, carolT.number]);

	// A colleague may also reply on it.
	const reply = await request('acme', 'POST', `/api/v1/tickets/${carolT.number}/notes`, {
		token: await tok('dan@northwind.example'), body: { body: 'Same problem here.' },
	});
	assert.equal(reply.status, 201, reply.text);
});

test('another company\'s ticket answers exactly like a missing one, on every endpoint', async () => {
	const tag = uniqueTag('IX');
	const carolT = await newTicket('acme', await tok('carol@northwind.example'), { subject: `${tag} private` });
	const erin = await tok('erin@contoso.example');
	const cases = [
		['GET', (n) => `/api/v1/tickets/${n}`, undefined, {}],
		['GET', (n) => `/api/v1/tickets/${n}/notes`, undefined, {}],
		['POST', (n) => `/api/v1/tickets/${n}/notes`, { body: `${tag} sneaky reply` }, {}],
		['GET', (n) => `/api/v1/tickets/${n}/timeline`, undefined, {}],
		['PATCH', (n) => `/api/v1/tickets/${n}`, { priority: 'urgent' }, { 'If-Match': etagOf(carolT.version) }],
		['POST', (n) => `/api/v1/tickets/${n}/transitions`, { to: 'resolved' }, {}],
	];
	for (const [method, path, body, headers] of cases) {
		const hidden = await request('acme', method, path(carolT.number), { token: erin, body, headers });
		const missing = await request('acme', method, path(MISSING), { token: erin, body, headers });
		assertSameProblem(hidden, missing, `${method} ${path('N')}`);
		assert.equal(hidden.text.includes(tag), false);
	}
	// Reading and replying are 404; timeline, PATCH and transitions are staff-only (403) for both.
	assertProblem(await request('acme', 'GET', `/api/v1/tickets/${carolT.number}`, { token: erin }), 404, 'not_found');
	assertProblem(await request('acme', 'GET', `/api/v1/tickets/${carolT.number}/notes`, { token: erin }), 404, 'not_found');
	assertProblem(await request('acme', 'GET', `/api/v1/tickets/${carolT.number}/timeline`, { token: erin }), 403, 'forbidden');

	// Nothing was written by the refused requests.
	const staff = await tok('agent1@acme.example');
	const notes = await request('acme', 'GET', `/api/v1/tickets/${carolT.number}/notes`, { token: staff });
	assert.deepEqual(notes.json.data, []);
	const now = await request('acme', 'GET', `/api/v1/tickets/${carolT.number}`, { token: staff });
	assert.equal(now.json.version, carolT.version);
	assert.equal(now.json.status.key, 'not_started');
	assert.equal(now.json.priority, 'normal');
});

test('a customer filtering by another customer gets nothing of theirs', async () => {
	const tag = uniqueTag('IF');
	const erinUser = await userOf('acme', 'erin@contoso.example');
	const erinT = await newTicket('acme', await tok('erin@contoso.example'), { subject: `${tag} erin only` });
	assert.equal(erinT.customer.id, erinUser.id);
	const res = await request('acme', 'GET', `/api/v1/tickets?q=${tag}&customer=${erinUser.id}`, { token: await tok('carol@northwind.example') });
	assert.equal(res.text.includes(tag), false, res.text);
	if (res.status === 200) assert.deepEqual(res.json.data, []);
	else assertProblem(res, 403, 'forbidden');
});

test('customers may not list users', async () => {
	for (const role of ['staff', 'agent', 'customer']) {
		assertProblem(await request('acme', 'GET', `/api/v1/users?role=${role}`, { token: await tok('carol@northwind.example') }), 403, 'forbidden');
	}
});

test('staff list the tenant\'s own users only', async () => {
	const res = await request('acme', 'GET', '/api/v1/users?role=customer', { token: await tok('agent1@acme.example') });
	assert.equal(res.status, 200, res.text);
	const emails = res.json.data.map((u) => u.email).sort();
	for (const e of ['carol@northwind.example', 'dan@northwind.example', 'erin@contoso.example']) assert.ok(emails.includes(e), e);
	assert.ok(res.json.data.every((u) => u.role === 'customer'));
	assert.equal(res.text.includes('globex.example'), false);
	assert.equal(res.text.includes('initech'), false);
	assert.equal(res.text.includes('hooli'), false);
	// Other tests may add users to acme; the demo ones must be there, with the right roles.
	const staff = await request('acme', 'GET', '/api/v1/users?role=staff', { token: await tok('agent1@acme.example') });
	assert.equal(staff.status, 200, staff.text);
	const staffEmails = staff.json.data.map((u) => u.email);
	for (const e of ['admin@acme.example', 'agent1@acme.example', 'agent2@acme.example', 'manager@acme.example']) assert.ok(staffEmails.includes(e), e);
	assert.ok(staff.json.data.every((u) => ['admin', 'manager', 'agent'].includes(u.role) && u.company === null));
	assert.ok(staffEmails.every((e) => e.endsWith('@acme.example')), staffEmails.join(' '));
	const agents = await request('acme', 'GET', '/api/v1/users?role=agent', { token: await tok('agent1@acme.example') });
	const agentEmails = agents.json.data.map((u) => u.email);
	for (const e of ['agent1@acme.example', 'agent2@acme.example']) assert.ok(agentEmails.includes(e), e);
	for (const e of ['admin@acme.example', 'manager@acme.example']) assert.equal(agentEmails.includes(e), false, e);
	assert.ok(agents.json.data.every((u) => u.role === 'agent'));
	for (const u of res.json.data) {
		assert.equal(u.password_hash, undefined);
		assert.equal(u.password, undefined);
	}
});

test('a token of one tenant is refused at another tenant\'s host', async () => {
	const acmeAgent = await tok('agent1@acme.example');
	assertProblem(await request('globex', 'GET', '/api/v1/tickets', { token: acmeAgent }), 401, 'unauthorized');
	assertProblem(await request('globex', 'GET', '/api/v1/me', { token: acmeAgent }), 401, 'unauthorized');
	assertProblem(await request('globex', 'GET', '/api/v1/tickets', { cookie: acmeAgent }), 401, 'unauthorized');
	const peter = await userOf('globex', 'peter@initech.example');
	const tag = uniqueTag('XT');
	assertProblem(await request('globex', 'POST', '/api/v1/tickets', {
		token: acmeAgent, body: { subject: `${tag} cross`, description: 'x', customer_id: peter.id },
	}), 401, 'unauthorized');
	const globexCustomer = await tokenOf('globex', 'peter@initech.example');
	assertProblem(await request('acme', 'GET', '/api/v1/tickets', { token: globexCustomer }), 401, 'unauthorized');
	assert.deepEqual(await listAll('globex', await tokenOf('globex', 'agent1@globex.example'), { q: tag }), []);
});

test('globex data never appears in any acme answer', async () => {
	const canary = uniqueTag('GLOBEXCANARY');
	const gAgent = await tokenOf('globex', 'agent1@globex.example');
	const peter = await userOf('globex', 'peter@initech.example');
	const g = await newTicket('globex', gAgent, { subject: `${canary} secret subject`, description: `${canary} secret description`, customer_id: peter.id });
	const gNote = await request('globex', 'POST', `/api/v1/tickets/${g.number}/notes`, { token: gAgent, body: { body: `${canary} internal`, visibility: 'internal' } });
	assert.equal(gNote.status, 201, gNote.text);

	const acmeStaff = await tok('agent1@acme.example');
	const acmeCustomer = await tok('carol@northwind.example');
	const spoof = { 'X-Forwarded-Host': `globex.localhost:${PORT}`, 'X-Tenant': 'globex', 'X-Tenant-Slug': 'globex', Forwarded: `host=globex.localhost:${PORT}` };
	for (const token of [acmeStaff, acmeCustomer]) {
		for (const headers of [{}, spoof]) {
			for (const path of [
				`/api/v1/tickets/${g.number}`, `/api/v1/tickets/${g.number}/notes`, `/api/v1/tickets/${g.number}/timeline`,
				`/api/v1/tickets?q=${canary}`, '/api/v1/tickets?limit=100', '/api/v1/me', '/api/v1/users?role=customer',
				`/api/v1/tickets?customer=${peter.id}`,
			]) {
				const res = await request('acme', 'GET', path, { token, headers });
				assert.equal(res.text.includes(canary), false, `GET ${path} leaks globex data`);
				assert.equal(res.text.includes('peter@initech.example'), false, `GET ${path} leaks a globex customer`);
				assert.ok(res.status < 500, `GET ${path}: ${res.status}`);
			}
		}
	}
	// Acme staff asking for that number get acme's own ticket of that number, or 404.
	const same = await request('acme', 'GET', `/api/v1/tickets/${g.number}`, { token: acmeStaff });
	if (same.status === 200) {
		assert.equal(same.json.number, g.number);
		assert.notEqual(same.json.customer.id, peter.id);
	} else {
		assertProblem(same, 404, 'not_found');
	}
	// Writes through the acme host never touch the globex ticket.
	await request('acme', 'PATCH', `/api/v1/tickets/${g.number}`, { token: acmeStaff, body: { subject: 'hijacked' }, headers: { 'If-Match': etagOf(g.version), ...spoof } });
	await request('acme', 'POST', `/api/v1/tickets/${g.number}/notes`, { token: acmeStaff, body: { body: 'hijack note' }, headers: spoof });
	const after = await request('globex', 'GET', `/api/v1/tickets/${g.number}`, { token: gAgent });
	assert.equal(after.json.subject, `${canary} secret subject`);
	assert.equal(after.json.version, g.version);
	const gNotes = await request('globex', 'GET', `/api/v1/tickets/${g.number}/notes`, { token: gAgent });
	assert.deepEqual(gNotes.json.data.map((n) => n.body), [`${canary} internal`]);
});

test('acme staff cannot raise a ticket for a globex customer or assign a globex agent', async () => {
	const tag = uniqueTag('XA');
	const acmeStaff = await tok('agent1@acme.example');
	const peter = await userOf('globex', 'peter@initech.example');
	const res = await request('acme', 'POST', '/api/v1/tickets', {
		token: acmeStaff, body: { subject: `${tag} for peter`, description: 'x', customer_id: peter.id },
	});
	assert.equal(res.status, 422, res.text);
	assert.equal(res.json.code, 'validation_failed');
	assert.deepEqual(await listAll('acme', acmeStaff, { q: tag }), []);
	assert.deepEqual(await listAll('globex', await tokenOf('globex', 'agent1@globex.example'), { q: tag }), []);
});

test('globex customers of different companies do not see each other\'s tickets', async () => {
	const tag = uniqueTag('GC');
	const peterT = await newTicket('globex', await tokenOf('globex', 'peter@initech.example'), { subject: `${tag} peter` });
	const gavin = await tokenOf('globex', 'gavin@hooli.example');
	assertProblem(await request('globex', 'GET', `/api/v1/tickets/${peterT.number}`, { token: gavin }), 404, 'not_found');
	assert.deepEqual(await listAll('globex', gavin, { q: tag }), []);
});
