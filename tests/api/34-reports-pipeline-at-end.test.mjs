// A ticket moved between pipelines is counted in the one it was in at the end of the range: a
// report over last week filtered by Support counts a ticket that was in Support then and is in
// Returns now; over a range that ends today it counts in Returns.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, applyTenant, sql } from './lib.mjs';

const PASS = 'Moved-Pass-123';
const slug = uniqueTag('pe').toLowerCase().slice(0, 24);
const day = (ago) => new Date(Date.now() - ago * 86400000).toISOString().slice(0, 10);
const PAST = `from=${day(5)}&to=${day(2)}`;
const TODAY = `from=${day(5)}&to=${day(0)}`;
let admin, ids = {};

const RETURNS = [
	{ key: 'received', staff_name: 'Return received', customer_name: 'We have your request', category: 'new', color: '#64748b',
		clocks: ['response'], entry: true, require_note: false, transitions: ['refunded'] },
	{ key: 'refunded', staff_name: 'Refunded', customer_name: 'Refunded', category: 'resolved', color: '#16a34a',
		clocks: [], entry: false, require_note: false, transitions: [] },
];

async function figures(query, pipeline) {
	const q = `${query}&pipeline=${pipeline}`;
	const volume = await request(slug, 'GET', `/api/v1/reports/volume?${q}`, { token: admin });
	assert.equal(volume.status, 200, volume.text);
	const times = await request(slug, 'GET', `/api/v1/reports/times?${q}`, { token: admin });
	assert.equal(times.status, 200, times.text);
	const lights = await request(slug, 'GET', `/api/v1/reports/lights?${q}`, { token: admin });
	assert.equal(lights.status, 200, lights.text);
	return {
		created: volume.json.data.reduce((a, d) => a + d.created, 0),
		resolved: volume.json.data.reduce((a, d) => a + d.resolved, 0),
		resolutions: times.json.resolution.calendar.count,
		tickets: lights.json.tickets,
	};
}

test.before(async () => {
	applyTenant({
		slug, name: 'Moved Co', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Moved Help', issue_word: 'ticket', primary_color: '#7c3aed', accent_color: '#f5f3ff', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		users: [
			{ email: 'admin@moved.example', name: 'Mo Admin', role: 'admin' },
			{ email: 'agent@moved.example', name: 'Al Agent', role: 'agent' },
			{ email: 'client@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	admin = (await loginFull(slug, 'admin@moved.example', PASS)).token;
	const agent = (await loginFull(slug, 'agent@moved.example', PASS)).token;
	const customerId = (await loginFull(slug, 'client@client.example', PASS)).user.id;
	const made = await request(slug, 'POST', '/api/v1/admin/pipelines', { token: admin, body: { key: 'returns', name: 'Returns', intake: 'manual', statuses: RETURNS } });
	assert.equal(made.status, 201, made.text);
	ids.returns = made.json.id;
	ids.support = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data.find((p) => p.key === 'support').id;
	const tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	// Two Support tickets created four days ago and resolved three days ago ...
	const numbers = [];
	for (let i = 0; i < 2; i++) {
		const t = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: uniqueTag('S'), customer_id: customerId } });
		assert.equal(t.status, 201, t.text);
		const moved = await request(slug, 'POST', `/api/v1/tickets/${t.json.number}/transitions`, { token: agent, body: { to: 'resolved' } });
		assert.equal(moved.status, 200, moved.text);
		const id = sql(`SELECT id FROM tickets WHERE tenant_id = ${tid} AND number = ${t.json.number}`);
		sql(`UPDATE tickets SET created_at = UTC_TIMESTAMP(6) - INTERVAL 4 DAY WHERE id = ${id}`);
		sql(`UPDATE ticket_events SET created_at = UTC_TIMESTAMP(6) - INTERVAL 3 DAY WHERE tenant_id = ${tid} AND ticket_id = ${id} AND kind = 'status_changed'`);
		numbers.push(t.json.number);
	}
	// ... the first of them moved to Returns today, and a Returns ticket raised today.
	const moved = await request(slug, 'POST', `/api/v1/tickets/${numbers[0]}/pipeline`, { token: admin, body: { pipeline: 'returns', status: 'refunded' } });
	assert.equal(moved.status, 200, moved.text);
	const fresh = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: uniqueTag('R'), customer_id: customerId, pipeline: 'returns' } });
	assert.equal(fresh.status, 201, fresh.text);
});

test('over a range that has ended, a moved ticket counts in the pipeline it was in then', async () => {
	assert.deepEqual(await figures(PAST, ids.support), { created: 2, resolved: 2, resolutions: 2, tickets: 2 });
	assert.deepEqual(await figures(PAST, ids.returns), { created: 0, resolved: 0, resolutions: 0, tickets: 0 });
});

test('over a range that ends today, it counts in the pipeline it is in now', async () => {
	assert.deepEqual(await figures(TODAY, ids.support), { created: 1, resolved: 1, resolutions: 1, tickets: 1 });
	assert.deepEqual(await figures(TODAY, ids.returns), { created: 2, resolved: 1, resolutions: 1, tickets: 2 });
});
