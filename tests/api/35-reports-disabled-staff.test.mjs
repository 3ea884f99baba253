// The agents report keeps the work of someone who has since left: a disabled staff member has a
// row where they worked in the range (their replies and first responses count), and a disabled
// one who did nothing in it has none. Active staff keep their row either way.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, applyTenant, sql } from './lib.mjs';

const PASS = 'Left-Pass-123';
const slug = uniqueTag('ds').toLowerCase().slice(0, 24);
const today = new Date().toISOString().slice(0, 10);
let admin, tid;

test.before(async () => {
	applyTenant({
		slug, name: 'Left Co', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Left Help', issue_word: 'ticket', primary_color: '#b45309', accent_color: '#fffbeb', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		users: [
			{ email: 'admin@left.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'stay@left.example', name: 'Sam Stays', role: 'agent' },
			{ email: 'gone@left.example', name: 'Gil Gone', role: 'agent' },
			{ email: 'idle@left.example', name: 'Ida Idle', role: 'agent' },
			{ email: 'client@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	admin = (await loginFull(slug, 'admin@left.example', PASS)).token;
	const gone = (await loginFull(slug, 'gone@left.example', PASS)).token;
	const customerId = (await loginFull(slug, 'client@client.example', PASS)).user.id;
	const made = await request(slug, 'POST', '/api/v1/tickets', { token: gone, body: { subject: uniqueTag('L'), customer_id: customerId } });
	assert.equal(made.status, 201, made.text);
	const reply = await request(slug, 'POST', `/api/v1/tickets/${made.json.number}/notes`, { token: gone, body: { body: 'On it.', visibility: 'public' } });
	assert.equal(reply.status, 201, reply.text);
	sql(`UPDATE users SET disabled = 1 WHERE tenant_id = ${tid} AND email IN ('gone@left.example', 'idle@left.example')`);
});

test('a disabled agent who worked in the range keeps a row; one who did not has none', async () => {
	const res = await request(slug, 'GET', `/api/v1/reports/agents?from=${today}&to=${today}`, { token: admin });
	assert.equal(res.status, 200, res.text);
	const rows = Object.fromEntries(res.json.data.map((d) => [d.name, [d.tickets_handled, d.public_replies, d.first_responses]]));
	assert.deepEqual(rows, { 'Ada Admin': [0, 0, 0], 'Gil Gone': [1, 1, 1], 'Sam Stays': [0, 0, 0] });
	const csv = await request(slug, 'GET', `/api/v1/reports/agents?from=${today}&to=${today}&format=csv`, { token: admin });
	assert.equal(csv.status, 200, csv.text);
	assert.deepEqual(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',')[1]), ['Ada Admin', 'Gil Gone', 'Sam Stays']);
});
