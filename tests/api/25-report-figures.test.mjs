// The performance reports on a fixed fixture whose every figure was worked out by hand:
// response and resolution times (calendar and business seconds), the lights, suppliers and
// agents, with filters, CSV, roles and other tenants.
//
// The tenant is in Europe/London with business hours Mon-Fri 09:00-17:00 local. The range is
// Thu 2026-03-26 .. Tue 2026-03-31, across the change to summer time (Sun 29 March, 01:00 UTC):
// before it 09:00-17:00 local is 09:00-17:00 UTC, after it 08:00-16:00 UTC. The range runs from
// 2026-03-26 00:00 UTC to 2026-03-31 23:00 UTC (midnight BST). All times below are UTC.
//
// Tickets (assignee, priority, company, category):
//  T1  Ann normal Data          created Thu 26 10:00; Ann public 11:00 and 12:00; resolved by Ann 15:00
//                               Courier Co asked 12:00, answered 12:30
//  T2  Ann high   Data Billing  created Fri 27 16:00; Ann internal 16:10; customer public 16:20;
//                               Parts Ltd asked 16:30, answered Mon 30 08:30; Ann public Mon 30 09:00;
//                               resolved by Ann Mon 30 10:00; level 1 amber Mon 08:30, red 08:45 (Ann)
//  T3  Bob normal Echo          created Sat 28 12:00; Bob public Sun 29 12:00; level 3 amber Mon 30 10:00
//  T4  Bob urgent Echo          created Sun 29 00:30 (GMT); Parts Ltd asked 00:45, answered Mon 30 08:45;
//                               Bob public Sun 29 02:30 (03:30 BST: two real hours, three on the clock);
//                               resolved by Bob Mon 30 08:30, reopened 09:00, resolved Tue 31 08:00;
//                               level 2 red Sun 29 12:00 (Bob)
//  T5  Ann low    Data          created Mon 30 08:00; Bob public 08:15; Courier Co asked 09:00, never answered
//  T6  none       Data          created Mon 30 15:00; Mia internal 15:30; level 1 red Tue 31 10:00 (unassigned)
//  T7  Ann normal Echo Billing  created Tue 31 08:00; Parts Ltd asked 09:00, answered 10:00;
//                               Ann public 12:00; resolved by Ann 15:30
//  T8  Ann normal Data          created Wed 25 10:00 (before the range); Courier Co asked 11:00,
//                               answered 13:00; Ann public 10:30; resolved by Ann Thu 26 10:00 (in the range);
//                               level 1 red Wed 25 12:00 (Ann)
//  T9  Bob normal Data          created Tue 31 14:00; Bob public 23:30 (00:30 BST on 1 April: after the range)
//  T10 Bob normal Data          created Tue 31 22:30 (23:30 BST); level 3 red Wed 1 April 08:00 (Bob)
//  T11 none   normal Data       created Mon 30 23:15 (00:15 BST on Tuesday 31)
//
// Rules (the same in the API doc and the UI help): a duration counts in the range in which it
// ends (first responses and resolutions made in the range, supplier answers given in it); each
// resolution of a reopened ticket counts; the lights' shares are over tickets created in the
// range, with every breach they ever had; breaches per agent and team are reds that happened in
// the range. Percentiles are nearest-rank: the p-th of n sorted values is the one at rank
// ceil(p/100 * n); means are rounded to the nearest second.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const PASS = 'Figures-Pass-123';
const slug = uniqueTag('f').toLowerCase().slice(0, 24);
const RANGE = 'from=2026-03-26&to=2026-03-31';
const who = {};
let tid, acmeBefore;
const ids = {};

function sql(statement) {
	const password = fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim();
	return execFileSync('mariadb', ['--socket', path.join(VAR, 'run/mariadb.sock'), '-u', 'portal', `-p${password}`, '-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

const at = (iso) => `'${iso.replace('T', ' ')}'`;
const get = (token, url) => request(slug, 'GET', url, { token });
const ok = async (res) => { assert.ok(res.status >= 200 && res.status < 300, `${res.status} ${res.text}`); return res.json; };

async function ticket(name, { created, assignee, priority = 'normal', customer = 'dee', category }) {
	const body = { subject: `${name} fixture`, customer_id: who[customer].user.id, priority };
	if (category) body.category = category;
	const t = await ok(await request(slug, 'POST', '/api/v1/tickets', { token: who.mia.token, body }));
	if (assignee)
		await ok(await request(slug, 'PATCH', `/api/v1/tickets/${t.number}`, { token: who.mia.token, headers: { 'if-match': `"${t.version}"` }, body: { assignee_id: who[assignee].user.id } }));
	const id = sql(`SELECT id FROM tickets WHERE tenant_id = ${tid} AND number = ${t.number}`);
	sql(`UPDATE tickets SET created_at = ${at(created)} WHERE id = ${id}`);
	return { number: t.number, id };
}

async function note(t, author, visibility, when) {
	const body = { body: `A ${visibility} note.` };
	if (author !== 'dee' && author !== 'eve') body.visibility = visibility;
	await ok(await request(slug, 'POST', `/api/v1/tickets/${t.number}/notes`, { token: who[author].token, body }));
	sql(`UPDATE notes SET created_at = ${at(when)} WHERE tenant_id = ${tid} AND ticket_id = ${t.id} ORDER BY id DESC LIMIT 1`);
}

async function move(t, actor, to, when) {
	await ok(await request(slug, 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: who[actor].token, body: { to } }));
	sql(`UPDATE ticket_events SET created_at = ${at(when)} WHERE tenant_id = ${tid} AND ticket_id = ${t.id} AND kind = 'status_changed' ORDER BY id DESC LIMIT 1`);
}

async function ask(t, actor, supplier, opened, answered) {
	const r = await ok(await request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests`, { token: who[actor].token, body: { supplier, question: 'When can you ship?' } }));
	if (answered)
		await ok(await request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests/${r.id}/answer`, { token: who[actor].token }));
	sql(`UPDATE supplier_requests SET opened_at = ${at(opened)}${answered ? `, answered_at = ${at(answered)}` : ''} WHERE tenant_id = ${tid} AND id = ${r.id}`);
}

function breach(t, level, colour, turned, assignee) {
	sql(`INSERT INTO light_breaches (tenant_id, ticket_id, level, colour, cycle_started_at, turned_at, assignee_id) VALUES (${tid}, ${t.id}, ${level}, '${colour}', ${at(turned)}, ${at(turned)}, ${assignee ? who[assignee].user.id : 'NULL'})`);
}

async function acmeFigures() {
	const acme = await loginFull('acme', 'admin@acme.example');
	const out = {};
	for (const r of ['times', 'lights', 'suppliers', 'agents', 'volume'])
		out[r] = (await request('acme', 'GET', `/api/v1/reports/${r}?${RANGE}`, { token: acme.token })).text;
	return out;
}

test.before(async () => {
	acmeBefore = await acmeFigures();
	applyTenant({
		slug, name: 'Figures Ltd', time_zone: 'Europe/London', domains: [],
		branding: { product_name: 'Figures Help', issue_word: 'ticket', primary_color: '#0f766e', accent_color: '#f0fdfa', logo: 'logo.svg' },
		settings: { customers_see_company: false },
		calendar: { time_zone: 'Europe/London', week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] }, holidays: [] },
		companies: ['Data Inc', 'Echo Ltd'], default_password: PASS,
		teams: [{ name: 'Front', members: ['mia@fig.example', 'ann@fig.example', 'bob@fig.example'] }, { name: 'Back', members: ['cy@fig.example'] }],
		routing: { team: 'Front', intake: 'manual', categories: [{ name: 'Billing', skill: 'billing' }] },
		users: [
			{ email: 'ada@fig.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'mia@fig.example', name: 'Mia Manager', role: 'manager' },
			{ email: 'ann@fig.example', name: 'Ann Agent', role: 'agent' },
			{ email: 'bob@fig.example', name: 'Bob Agent', role: 'agent' },
			{ email: 'cy@fig.example', name: 'Cy Agent', role: 'agent' },
			{ email: 'dee@data.example', name: 'Dee Data', role: 'customer', company: 'Data Inc' },
			{ email: 'eve@echo.example', name: 'Eve Echo', role: 'customer', company: 'Echo Ltd' },
		],
	});
	tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	for (const [k, email] of [['ada', 'ada@fig.example'], ['mia', 'mia@fig.example'], ['ann', 'ann@fig.example'], ['bob', 'bob@fig.example'], ['cy', 'cy@fig.example'], ['dee', 'dee@data.example'], ['eve', 'eve@echo.example']])
		who[k] = await loginFull(slug, email, PASS);
	const filters = await ok(await get(who.mia.token, '/api/v1/reports/filters'));
	ids.pipeline = filters.pipelines[0].id;
	ids.front = filters.teams.find((t) => t.name === 'Front').id;
	ids.back = filters.teams.find((t) => t.name === 'Back').id;
	ids.billing = filters.categories.find((c) => c.name === 'Billing').id;
	ids.echo = filters.companies.find((c) => c.name === 'Echo Ltd').id;
	ids.data = filters.companies.find((c) => c.name === 'Data Inc').id;

	const T1 = await ticket('T1', { created: '2026-03-26T10:00:00', assignee: 'ann' });
	await note(T1, 'ann', 'public', '2026-03-26T11:00:00');
	await note(T1, 'ann', 'public', '2026-03-26T12:00:00');
	await ask(T1, 'ann', 'Courier Co', '2026-03-26T12:00:00', '2026-03-26T12:30:00');
	await move(T1, 'ann', 'resolved', '2026-03-26T15:00:00');

	const T2 = await ticket('T2', { created: '2026-03-27T16:00:00', assignee: 'ann', priority: 'high', category: 'Billing' });
	await note(T2, 'ann', 'internal', '2026-03-27T16:10:00');
	await note(T2, 'dee', 'public', '2026-03-27T16:20:00');
	await ask(T2, 'ann', 'Parts Ltd', '2026-03-27T16:30:00', '2026-03-30T08:30:00');
	await note(T2, 'ann', 'public', '2026-03-30T09:00:00');
	await move(T2, 'ann', 'resolved', '2026-03-30T10:00:00');

	const T3 = await ticket('T3', { created: '2026-03-28T12:00:00', assignee: 'bob', customer: 'eve' });
	await note(T3, 'bob', 'public', '2026-03-29T12:00:00');

	const T4 = await ticket('T4', { created: '2026-03-29T00:30:00', assignee: 'bob', priority: 'urgent', customer: 'eve' });
	await ask(T4, 'bob', 'Parts Ltd', '2026-03-29T00:45:00', '2026-03-30T08:45:00');
	await note(T4, 'bob', 'public', '2026-03-29T02:30:00');
	await move(T4, 'bob', 'resolved', '2026-03-30T08:30:00');
	await move(T4, 'bob', 'in_progress', '2026-03-30T09:00:00');
	await move(T4, 'bob', 'resolved', '2026-03-31T08:00:00');

	const T5 = await ticket('T5', { created: '2026-03-30T08:00:00', assignee: 'ann', priority: 'low' });
	await note(T5, 'bob', 'public', '2026-03-30T08:15:00');
	await ask(T5, 'ann', 'Courier Co', '2026-03-30T09:00:00', null);

	const T6 = await ticket('T6', { created: '2026-03-30T15:00:00' });
	await note(T6, 'mia', 'internal', '2026-03-30T15:30:00');

	const T7 = await ticket('T7', { created: '2026-03-31T08:00:00', assignee: 'ann', customer: 'eve', category: 'Billing' });
	await ask(T7, 'ann', 'Parts Ltd', '2026-03-31T09:00:00', '2026-03-31T10:00:00');
	await note(T7, 'ann', 'public', '2026-03-31T12:00:00');
	await move(T7, 'ann', 'resolved', '2026-03-31T15:30:00');

	const T8 = await ticket('T8', { created: '2026-03-25T10:00:00', assignee: 'ann' });
	await note(T8, 'ann', 'public', '2026-03-25T10:30:00');
	await ask(T8, 'ann', 'Courier Co', '2026-03-25T11:00:00', '2026-03-25T13:00:00');
	await move(T8, 'ann', 'resolved', '2026-03-26T10:00:00');

	const T9 = await ticket('T9', { created: '2026-03-31T14:00:00', assignee: 'bob' });
	await note(T9, 'bob', 'public', '2026-03-31T23:30:00');
	const T10 = await ticket('T10', { created: '2026-03-31T22:30:00', assignee: 'bob' });
	await ticket('T11', { created: '2026-03-30T23:15:00' });

	// The breaches the sweeper would have recorded; the fixture's own live lights are dropped
	// so that a slow run in business hours cannot add any.
	sql(`DELETE FROM ticket_lights WHERE tenant_id = ${tid}`);
	sql(`DELETE FROM light_breaches WHERE tenant_id = ${tid}`);
	breach(T2, 1, 'amber', '2026-03-30T08:30:00', 'ann');
	breach(T2, 1, 'red', '2026-03-30T08:45:00', 'ann');
	breach(T3, 3, 'amber', '2026-03-30T10:00:00', 'bob');
	breach(T4, 2, 'red', '2026-03-29T12:00:00', 'bob');
	breach(T6, 1, 'red', '2026-03-31T10:00:00', null);
	breach(T8, 1, 'red', '2026-03-25T12:00:00', 'ann');
	breach(T10, 3, 'red', '2026-04-01T08:00:00', 'bob');
});

const stats = (count, mean, median, p90) => ({ count, mean, median, p90 });
const none = stats(0, null, null, null);

test('response and resolution times over the whole tenant, calendar and business', async () => {
	const res = await ok(await get(who.mia.token, `/api/v1/reports/times?${RANGE}`));
	assert.equal(res.time_zone, 'Europe/London');
	assert.equal(res.percentiles, 'nearest-rank');
	assert.equal(res.scope, 'tenant');
	// First replies T1 3600, T2 234000 (Fri 16:00 -> Mon 09:00 UTC), T3 86400, T4 7200 (across
	// the change), T5 900, T7 14400; business 3600, 7200, 0, 0, 900, 14400.
	assert.deepEqual(res.first_response, { calendar: stats(6, 57750, 7200, 234000), business: stats(6, 4350, 900, 14400) });
	// Resolutions T1 18000, T2 237600, T4 115200 and 199800, T7 27000, T8 86400 (created before
	// the range, resolved in it); business 18000, 10800, 1800, 28800, 27000, 28800.
	assert.deepEqual(res.resolution, { calendar: stats(6, 114000, 86400, 237600), business: stats(6, 19200, 18000, 28800) });
});

test('times filtered by priority, company, team and pipeline', async () => {
	const q = (f) => get(who.mia.token, `/api/v1/reports/times?${RANGE}&${f}`).then(ok);
	const high = await q('priority=high');
	assert.deepEqual(high.first_response, { calendar: stats(1, 234000, 234000, 234000), business: stats(1, 7200, 7200, 7200) });
	assert.deepEqual(high.resolution, { calendar: stats(1, 237600, 237600, 237600), business: stats(1, 10800, 10800, 10800) });
	const echo = await q(`company=${ids.echo}`);
	assert.deepEqual(echo.first_response, { calendar: stats(3, 36000, 14400, 86400), business: stats(3, 4800, 0, 14400) });
	assert.deepEqual(echo.resolution, { calendar: stats(3, 114000, 115200, 199800), business: stats(3, 19200, 27000, 28800) });
	const whole = await q('');
	for (const f of [`team=${ids.front}`, `pipeline=${ids.pipeline}`]) {
		const r = await q(f);
		assert.deepEqual([r.first_response, r.resolution], [whole.first_response, whole.resolution], f);
	}
	for (const f of [`team=${ids.back}`, 'priority=urgent&company=' + ids.data, 'category=999999999']) {
		const r = await q(f);
		assert.deepEqual(r.first_response, { calendar: none, business: none }, f);
	}
	const billing = await q(`category=${ids.billing}`);
	assert.equal(billing.first_response.calendar.count, 2);
	assert.equal(billing.resolution.calendar.count, 2);
});

test('an agent gets the times of their own tickets; asking for another agent is refused', async () => {
	const res = await ok(await get(who.bob.token, `/api/v1/reports/times?${RANGE}`));
	assert.equal(res.scope, 'mine');
	assert.deepEqual(res.first_response, { calendar: stats(2, 46800, 7200, 86400), business: stats(2, 0, 0, 0) });
	assert.deepEqual(res.resolution, { calendar: stats(2, 157500, 115200, 199800), business: stats(2, 15300, 1800, 28800) });
	assert.deepEqual((await ok(await get(who.bob.token, `/api/v1/reports/times?${RANGE}&agent=${who.bob.user.id}`))).resolution, res.resolution);
	for (const r of ['times', 'lights', 'suppliers', 'agents'])
		assertProblem(await get(who.bob.token, `/api/v1/reports/${r}?${RANGE}&agent=${who.ann.user.id}`), 403, 'forbidden');
});

const level = (n, name, green, amber, red, pct) => ({ level: n, name, green, amber, red, green_pct: pct[0], amber_pct: pct[1], red_pct: pct[2] });

test('lights: who stayed green, went amber, went red; reds per agent and team', async () => {
	const res = await ok(await get(who.mia.token, `/api/v1/reports/lights?${RANGE}`));
	// T1-T7, T9-T11 were created in the range (T8 before it).
	assert.equal(res.tickets, 10);
	assert.deepEqual(res.levels, [
		level(1, 'response', 8, 0, 2, [80, 0, 20]),
		level(2, 'supplier', 9, 0, 1, [90, 0, 10]),
		level(3, 'communication', 8, 1, 1, [80, 10, 10]),
	]);
	assert.deepEqual(res.breaches_by_agent, [
		{ id: who.ann.user.id, name: 'Ann Agent', red: 1 },
		{ id: who.bob.user.id, name: 'Bob Agent', red: 1 },
		{ id: null, name: 'Unassigned', red: 1 },
	]);
	assert.deepEqual(res.breaches_by_team, [{ id: ids.front, name: 'Front', red: 3 }]);
	const echo = await ok(await get(who.mia.token, `/api/v1/reports/lights?${RANGE}&company=${ids.echo}`));
	assert.equal(echo.tickets, 3);
	assert.deepEqual(echo.levels, [
		level(1, 'response', 3, 0, 0, [100, 0, 0]),
		level(2, 'supplier', 2, 0, 1, [66.7, 0, 33.3]),
		level(3, 'communication', 2, 1, 0, [66.7, 33.3, 0]),
	]);
	assert.deepEqual(echo.breaches_by_agent, [{ id: who.bob.user.id, name: 'Bob Agent', red: 1 }]);
	const bob = await ok(await get(who.bob.token, `/api/v1/reports/lights?${RANGE}`));
	assert.equal(bob.tickets, 4);
	assert.deepEqual(bob.levels, [
		level(1, 'response', 4, 0, 0, [100, 0, 0]),
		level(2, 'supplier', 3, 0, 1, [75, 0, 25]),
		level(3, 'communication', 2, 1, 1, [50, 25, 25]),
	]);
	assert.deepEqual(bob.breaches_by_agent, [{ id: who.bob.user.id, name: 'Bob Agent', red: 1 }]);
});

test('supplier response times per supplier', async () => {
	const res = await ok(await get(who.mia.token, `/api/v1/reports/suppliers?${RANGE}`));
	assert.deepEqual(res.data.map((s) => [s.supplier, s.calendar, s.business]), [
		['Courier Co', stats(1, 1800, 1800, 1800), stats(1, 1800, 1800, 1800)],
		// T7 3600, T4 115200, T2 230400; business 3600, 2700, 3600.
		['Parts Ltd', stats(3, 116400, 115200, 230400), stats(3, 3300, 3600, 3600)],
	]);
	const billing = await ok(await get(who.mia.token, `/api/v1/reports/suppliers?${RANGE}&category=${ids.billing}`));
	assert.deepEqual(billing.data.map((s) => [s.supplier, s.calendar, s.business]), [
		['Parts Ltd', stats(2, 117000, 3600, 230400), stats(2, 3600, 3600, 3600)],
	]);
	const bob = await ok(await get(who.bob.token, `/api/v1/reports/suppliers?${RANGE}`));
	assert.deepEqual(bob.data.map((s) => [s.supplier, s.calendar, s.business]), [
		['Parts Ltd', stats(1, 115200, 115200, 115200), stats(1, 2700, 2700, 2700)],
	]);
});

const agentRow = (w, name, handled, replies, first, median, medianBusiness, breaches) => ({
	id: who[w].user.id, name, tickets_handled: handled, public_replies: replies, first_responses: first,
	median_first_response: median, median_first_response_business: medianBusiness, breaches,
});

test('per agent: admins see everyone, managers their teams, agents themselves', async () => {
	const ann = agentRow('ann', 'Ann Agent', 4, 4, 3, 14400, 7200, 1);
	const bob = agentRow('bob', 'Bob Agent', 3, 3, 3, 7200, 0, 1);
	const mia = agentRow('mia', 'Mia Manager', 1, 0, 0, null, null, 0);
	const admin = await ok(await get(who.ada.token, `/api/v1/reports/agents?${RANGE}`));
	assert.deepEqual(admin.data, [agentRow('ada', 'Ada Admin', 0, 0, 0, null, null, 0), ann, bob, agentRow('cy', 'Cy Agent', 0, 0, 0, null, null, 0), mia]);
	assert.deepEqual((await ok(await get(who.mia.token, `/api/v1/reports/agents?${RANGE}`))).data, [ann, bob, mia]);
	assert.deepEqual((await ok(await get(who.bob.token, `/api/v1/reports/agents?${RANGE}`))).data, [bob]);
	assert.deepEqual((await ok(await get(who.mia.token, `/api/v1/reports/agents?${RANGE}&agent=${who.ann.user.id}`))).data, [ann]);
	const echo = await ok(await get(who.mia.token, `/api/v1/reports/agents?${RANGE}&company=${ids.echo}`));
	assert.deepEqual(echo.data, [agentRow('ann', 'Ann Agent', 1, 1, 1, 14400, 14400, 0), agentRow('bob', 'Bob Agent', 2, 2, 2, 7200, 0, 1), agentRow('mia', 'Mia Manager', 0, 0, 0, null, null, 0)]);
});

test('created and resolved per day and open tickets take the filters too', async () => {
	const volume = await ok(await get(who.mia.token, `/api/v1/reports/volume?${RANGE}`));
	// T11 at 23:15 UTC on the 30th is 00:15 BST on the 31st.
	assert.deepEqual(volume.data.map((d) => [d.day, d.created, d.resolved]), [
		['2026-03-26', 1, 2], ['2026-03-27', 1, 0], ['2026-03-28', 1, 0], ['2026-03-29', 1, 0], ['2026-03-30', 2, 2], ['2026-03-31', 4, 2],
	]);
	const echo = await ok(await get(who.mia.token, `/api/v1/reports/volume?${RANGE}&company=${ids.echo}`));
	assert.deepEqual(echo.data.map((d) => [d.day, d.created, d.resolved]), [
		['2026-03-26', 0, 0], ['2026-03-27', 0, 0], ['2026-03-28', 1, 0], ['2026-03-29', 1, 0], ['2026-03-30', 0, 1], ['2026-03-31', 1, 2],
	]);
	const low = await ok(await get(who.mia.token, '/api/v1/reports/open?priority=low'));
	assert.deepEqual(low.data.filter((r) => r.dimension !== 'age' && r.count > 0).map((r) => [r.dimension, r.label, r.count]), [['status', 'Not started', 1], ['agent', 'Ann Agent', 1]]);
});

test('every report as CSV with the same figures', async () => {
	const csv = async (r, token = who.ada.token) => {
		const res = await get(token, `/api/v1/reports/${r}?${RANGE}&format=csv`);
		assert.equal(res.status, 200, res.text);
		assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
		return res;
	};
	const times = await csv('times');
	assert.equal(times.headers['content-disposition'], 'attachment; filename="response-resolution-times.csv"');
	assert.equal(times.text, 'measure,time,count,mean_seconds,median_seconds,p90_seconds\r\n'
		+ 'first_response,calendar,6,57750,7200,234000\r\nfirst_response,business,6,4350,900,14400\r\n'
		+ 'resolution,calendar,6,114000,86400,237600\r\nresolution,business,6,19200,18000,28800\r\n');
	assert.equal((await csv('lights')).text, 'dimension,key,label,tickets,green,amber,red\r\n'
		+ 'level,1,response,10,8,0,2\r\nlevel,2,supplier,10,9,0,1\r\nlevel,3,communication,10,8,1,1\r\n'
		+ `agent_breaches,${who.ann.user.id},Ann Agent,,,,1\r\nagent_breaches,${who.bob.user.id},Bob Agent,,,,1\r\nagent_breaches,0,Unassigned,,,,1\r\n`
		+ `team_breaches,${ids.front},Front,,,,3\r\n`);
	const suppliers = (await csv('suppliers')).text.split('\r\n');
	assert.equal(suppliers[0], 'supplier_id,supplier,answered,mean_seconds,median_seconds,p90_seconds,business_mean_seconds,business_median_seconds,business_p90_seconds');
	assert.deepEqual(suppliers.slice(1).map((l) => l.replace(/^\d+,/, '')), ['Courier Co,1,1800,1800,1800,1800,1800,1800', 'Parts Ltd,3,116400,115200,230400,3300,3600,3600', '']);
	assert.equal((await csv('agents', who.bob.token)).text, 'agent_id,agent,tickets_handled,public_replies,first_responses,median_first_response_seconds,median_first_response_business_seconds,breaches\r\n'
		+ `${who.bob.user.id},Bob Agent,3,3,3,7200,0,1\r\n`);
});

test('bad input is a 400 problem; customers get 403', async () => {
	for (const r of ['times', 'lights', 'suppliers', 'agents']) {
		for (const q of ['', 'from=2026-03-26', 'from=2026-03-31&to=2026-03-26', 'from=2020-01-01&to=2026-01-01', `${RANGE}&format=xml`,
			`${RANGE}&team=abc`, `${RANGE}&agent=0`, `${RANGE}&company=-1`, `${RANGE}&pipeline=1e3`, `${RANGE}&category=99999999999999999999`,
			`${RANGE}&priority=soon`, `${RANGE}&priority=high&priority=low`])
			assertProblem(await get(who.mia.token, `/api/v1/reports/${r}?${q}`), 400, 'invalid_parameter');
		assertProblem(await get(who.dee.token, `/api/v1/reports/${r}?${RANGE}`), 403, 'forbidden');
	}
	assertProblem(await get(who.dee.token, '/api/v1/reports/filters'), 403, 'forbidden');
	assertProblem(await get(who.mia.token, '/api/v1/reports/open?company=x'), 400, 'invalid_parameter');
});

test('another tenant never counts this one, and this one\'s filters find nothing of another', async () => {
	assert.deepEqual(await acmeFigures(), acmeBefore);
	const acme = await loginFull('acme', 'admin@acme.example');
	const theirs = await request('acme', 'GET', '/api/v1/reports/filters', { token: acme.token });
	const acmeCompany = theirs.json.companies[0].id, acmePipeline = theirs.json.pipelines[0].id;
	for (const f of [`company=${acmeCompany}`, `pipeline=${acmePipeline}`]) {
		const times = await ok(await get(who.ada.token, `/api/v1/reports/times?${RANGE}&${f}`));
		assert.deepEqual(times.first_response, { calendar: none, business: none }, f);
		const lights = await ok(await get(who.ada.token, `/api/v1/reports/lights?${RANGE}&${f}`));
		assert.equal(lights.tickets, 0);
		assert.deepEqual((await ok(await get(who.ada.token, `/api/v1/reports/suppliers?${RANGE}&${f}`))).data, []);
	}
	// Their agents' ids name nobody here; our figures never name their people.
	const foreignAgent = theirs.json.agents[0].id;
	assert.deepEqual((await ok(await get(who.ada.token, `/api/v1/reports/agents?${RANGE}&agent=${foreignAgent}`))).data, []);
	for (const r of ['times', 'lights', 'suppliers', 'agents']) {
		const text = (await request('acme', 'GET', `/api/v1/reports/${r}?${RANGE}`, { token: acme.token })).text;
		for (const name of ['Parts Ltd', 'Courier Co', 'Ann Agent', 'Bob Agent', 'Front'])
			assert.ok(!text.includes(name), `${r} of acme names ${name}`);
	}
	const filters = (await request('acme', 'GET', '/api/v1/reports/filters', { token: acme.token })).text;
	assert.ok(!filters.includes('Echo Ltd') && !filters.includes('Front'));
});
