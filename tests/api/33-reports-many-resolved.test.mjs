// Resolutions are read by the keys of the tenant's resolved statuses, bound as parameters; a
// tenant with more resolved statuses than bind is counted another way. Both ways count the same
// moves, with and without a filter: here a pipeline with ten resolved statuses.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, applyTenant } from './lib.mjs';

const PASS = 'Many-Pass-123';
const slug = uniqueTag('mr').toLowerCase().slice(0, 24);
const today = new Date().toISOString().slice(0, 10);
const RANGE = `from=${today}&to=${today}`;
let admin, agent, pipeline, customerId;

const strip = (s) => ({ key: s.key, staff_name: s.staff_name, customer_name: s.customer_name, category: s.category, color: s.color,
	clocks: s.clocks, entry: s.entry, require_note: s.require_note, transitions: s.transitions });
const DONE = Array.from({ length: 9 }, (_, i) => `done_${i + 1}`);

async function setStatuses(extra) {
	const statuses = pipeline.statuses.map(strip).filter((s) => !s.key.startsWith('done_'));
	const entry = statuses.find((s) => s.entry);
	entry.transitions = entry.transitions.filter((k) => !k.startsWith('done_')).concat(extra);
	for (const key of extra)
		statuses.push({ key, staff_name: `Done ${key}`, customer_name: 'Done', category: 'resolved', color: '#15803d', clocks: [],
			entry: false, require_note: false, transitions: [] });
	const res = await request(slug, 'PUT', `/api/v1/admin/pipelines/${pipeline.id}`, { token: admin, body: { statuses } });
	assert.equal(res.status, 200, res.text);
}

async function figures(filter) {
	const q = filter ? `${RANGE}&${filter}` : RANGE;
	const volume = await request(slug, 'GET', `/api/v1/reports/volume?${q}`, { token: admin });
	assert.equal(volume.status, 200, volume.text);
	const times = await request(slug, 'GET', `/api/v1/reports/times?${q}`, { token: admin });
	assert.equal(times.status, 200, times.text);
	return {
		created: volume.json.data.reduce((a, d) => a + d.created, 0),
		resolved: volume.json.data.reduce((a, d) => a + d.resolved, 0),
		resolutions: times.json.resolution.calendar.count,
	};
}

test.before(async () => {
	applyTenant({
		slug, name: 'Many Resolved', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Many Help', issue_word: 'ticket', primary_color: '#15803d', accent_color: '#f0fdf4', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		users: [
			{ email: 'admin@many.example', name: 'Mo Admin', role: 'admin' },
			{ email: 'agent@many.example', name: 'Al Agent', role: 'agent' },
			{ email: 'client@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	admin = (await loginFull(slug, 'admin@many.example', PASS)).token;
	agent = (await loginFull(slug, 'agent@many.example', PASS)).token;
	customerId = (await loginFull(slug, 'client@client.example', PASS)).user.id;
	pipeline = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0];
	await setStatuses(DONE);
	// Five tickets, three of them high; four resolved into four different statuses.
	const moves = [['high', 'done_1'], ['high', 'done_9'], ['high', 'resolved'], ['low', 'done_5'], ['low', null]];
	for (const [priority, to] of moves) {
		const made = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: uniqueTag('M'), priority, customer_id: customerId } });
		assert.equal(made.status, 201, made.text);
		if (to) {
			const moved = await request(slug, 'POST', `/api/v1/tickets/${made.json.number}/transitions`, { token: agent, body: { to } });
			assert.equal(moved.status, 200, moved.text);
		}
	}
});

test('ten resolved statuses: every resolution counts, with and without a filter', async () => {
	assert.deepEqual(await figures(), { created: 5, resolved: 4, resolutions: 4 });
	assert.deepEqual(await figures('priority=high'), { created: 3, resolved: 3, resolutions: 3 });
	assert.deepEqual(await figures('priority=low'), { created: 2, resolved: 1, resolutions: 1 });
});

test('with few enough resolved statuses to bind, the same moves count the same', async () => {
	// done_2 .. done_8 go (no ticket is in them): three resolved keys with tickets, plus resolved.
	await setStatuses(['done_1', 'done_5', 'done_9']);
	assert.deepEqual(await figures(), { created: 5, resolved: 4, resolutions: 4 });
	assert.deepEqual(await figures('priority=high'), { created: 3, resolved: 3, resolutions: 3 });
	assert.deepEqual(await figures('priority=low'), { created: 2, resolved: 1, resolutions: 1 });
});
