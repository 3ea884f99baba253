// The open-ticket count each agent's row keeps for the router: exact through a ticket's life
// (routed, reassigned by hand, resolved, reopened by the customer's reply, unassigned), and
// capacity holding exactly under many concurrent routed creates.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, applyTenant, sql } from './lib.mjs';

const PASS = 'Count-Pass-123';

function makeTenant(agents) {
	const slug = uniqueTag('oc').toLowerCase().slice(0, 24);
	applyTenant({
		slug, name: 'Count Co', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Count Help', issue_word: 'ticket', primary_color: '#0e7490', accent_color: '#ecfeff', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake: 'router', manager: 'boss@count.example', levels: { low: 1, normal: 2, high: 3, urgent: 4 },
			categories: [{ name: 'Printers', skill: 'printers' }] },
		users: [
			{ email: 'boss@count.example', name: 'Bo Manager', role: 'manager' },
			...agents.map((a) => ({ role: 'agent', ...a })),
			{ email: 'client@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	return { slug, tid: sql(`SELECT id FROM tenants WHERE slug = '${slug}'`) };
}

// name -> [kept count, count from the tickets], for every agent of the tenant.
function counts(tid) {
	const out = {};
	const rows = sql(`SELECT u.name, u.open_tickets, (SELECT COUNT(*) FROM tickets t JOIN statuses s ON s.id = t.status_id
		WHERE t.tenant_id = u.tenant_id AND t.assignee_id = u.id AND s.category NOT IN ('resolved', 'closed'))
		FROM users u WHERE u.tenant_id = ${tid} AND u.role = 'agent' ORDER BY u.name`);
	for (const line of rows.split('\n').filter(Boolean)) {
		const [name, kept, real] = line.split('\t');
		out[name] = [Number(kept), Number(real)];
	}
	return out;
}

test('the kept count follows a ticket through routing, reassignment, resolution and reopening', async () => {
	const { slug, tid } = makeTenant([
		{ email: 'ana@count.example', name: 'Ana', skills: { printers: 4 }, capacity: 5 },
		{ email: 'ben@count.example', name: 'Ben', skills: { printers: 4 }, capacity: 5 },
	]);
	const customer = (await loginFull(slug, 'client@client.example', PASS)).token;
	const boss = (await loginFull(slug, 'boss@count.example', PASS)).token;
	const made = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: 'Jammed', category: 'Printers' } });
	assert.equal(made.status, 201, made.text);
	const n = made.json.number;
	const get = async () => (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: boss })).json;
	assert.deepEqual(counts(tid), { Ana: [1, 1], Ben: [0, 0] });

	const users = (await request(slug, 'GET', '/api/v1/users?role=agent', { token: boss })).json.data;
	const ben = users.find((u) => u.name === 'Ben');
	let t = await get();
	let res = await request(slug, 'PATCH', `/api/v1/tickets/${n}`, { token: boss, headers: { 'if-match': `"${t.version}"` }, body: { assignee_id: ben.id } });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(counts(tid), { Ana: [0, 0], Ben: [1, 1] });

	res = await request(slug, 'POST', `/api/v1/tickets/${n}/transitions`, { token: boss, body: { to: 'resolved' } });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(counts(tid), { Ana: [0, 0], Ben: [0, 0] });

	// The customer's reply within the reopen window reopens it: Ben's again.
	res = await request(slug, 'POST', `/api/v1/tickets/${n}/notes`, { token: customer, body: { body: 'Jammed again.', visibility: 'public' } });
	assert.equal(res.status, 201, res.text);
	assert.equal((await get()).status.key, 'in_progress');
	assert.deepEqual(counts(tid), { Ana: [0, 0], Ben: [1, 1] });

	// A second ticket goes to Ana (fewer open); unassigning hers brings her back to none.
	const second = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: 'Smudged', category: 'Printers' } });
	assert.equal(second.status, 201, second.text);
	assert.deepEqual(counts(tid), { Ana: [1, 1], Ben: [1, 1] });
	t = (await request(slug, 'GET', `/api/v1/tickets/${second.json.number}`, { token: boss })).json;
	assert.equal(t.assignee.name, 'Ana');
	res = await request(slug, 'PATCH', `/api/v1/tickets/${t.number}`, { token: boss, headers: { 'if-match': `"${t.version}"` }, body: { assignee_id: null } });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(counts(tid), { Ana: [0, 0], Ben: [1, 1] });

	// Resolved by hand in the database, as an operator might: the count follows too.
	const done = sql(`SELECT s.id FROM statuses s JOIN tickets t ON t.pipeline_id = s.pipeline_id AND t.tenant_id = s.tenant_id
		WHERE t.tenant_id = ${tid} AND t.number = ${n} AND s.category IN ('resolved', 'closed') ORDER BY s.position DESC LIMIT 1`);
	sql(`UPDATE tickets SET status_id = ${done} WHERE tenant_id = ${tid} AND number = ${n}`);
	assert.deepEqual(counts(tid), { Ana: [0, 0], Ben: [0, 0] });
});

test('thirty concurrent routed creates fill ten agents of capacity three exactly', async () => {
	const agents = Array.from({ length: 10 }, (_, i) => ({ email: `a${i}@count.example`, name: `Agent ${String(i).padStart(2, '0')}`,
		skills: { printers: 3 }, capacity: 3 }));
	const { slug, tid } = makeTenant(agents);
	const customer = (await loginFull(slug, 'client@client.example', PASS)).token;
	const boss = (await loginFull(slug, 'boss@count.example', PASS)).token;
	const made = await Promise.all(Array.from({ length: 30 }, (_, i) =>
		request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: `Batch ${i}`, category: 'Printers' } })));
	for (const m of made) assert.equal(m.status, 201, m.text);
	const expected = Object.fromEntries(agents.map((a) => [a.name, [3, 3]]));
	assert.deepEqual(counts(tid), expected);
	// Everyone is full: the next two wait in the fallback queue and nobody goes over.
	const more = await Promise.all([1, 2].map((i) =>
		request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: `Over ${i}`, category: 'Printers' } })));
	for (const m of more) assert.equal(m.status, 201, m.text);
	assert.deepEqual(counts(tid), expected);
	const queued = await request(slug, 'GET', '/api/v1/tickets?queue=fallback', { token: boss });
	assert.equal(queued.json.data.length, 2);
});
