// The performance reports on the fixed fixture of report-fixture.mjs, whose every figure was
// worked out by hand (see there): response and resolution times (calendar and business
// seconds), the lights, suppliers and agents, with filters, CSV, roles and other tenants.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, assertProblem } from './lib.mjs';
import { buildReportFixture, RANGE, OCTOBER } from './report-fixture.mjs';

let slug, who, ids, acmeBefore;
const get = (token, url) => request(slug, 'GET', url, { token });
const ok = async (res) => { assert.ok(res.status >= 200 && res.status < 300, `${res.status} ${res.text}`); return res.json; };

async function acmeFigures() {
	const acme = await loginFull('acme', 'admin@acme.example');
	const out = {};
	for (const r of ['times', 'lights', 'suppliers', 'agents', 'volume'])
		out[r] = (await request('acme', 'GET', `/api/v1/reports/${r}?${RANGE}`, { token: acme.token })).text;
	return out;
}

test.before(async () => {
	acmeBefore = await acmeFigures();
	({ slug, who, ids } = await buildReportFixture());
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
	// Open now: T3, T5, T6, T9, T10, T11, all in Front's pipeline.
	const open = await ok(await get(who.mia.token, '/api/v1/reports/open'));
	assert.deepEqual(open.data.filter((r) => r.dimension === 'team').map((r) => [r.key, r.label, r.count]), [[String(ids.front), 'Front', 6]]);
	assert.deepEqual(open.data.filter((r) => r.dimension === 'agent').map((r) => [r.label, r.count]), [['Bob Agent', 3], ['Unassigned', 2], ['Ann Agent', 1]]);
	const low = await ok(await get(who.mia.token, '/api/v1/reports/open?priority=low'));
	assert.deepEqual(low.data.filter((r) => r.dimension !== 'age' && r.count > 0).map((r) => [r.dimension, r.label, r.count]), [['status', 'Not started', 1], ['agent', 'Ann Agent', 1], ['team', 'Front', 1]]);
});

test('October: the clocks go back, and every figure still comes out as worked by hand', async () => {
	const times = await ok(await get(who.ada.token, `/api/v1/reports/times?${OCTOBER}`));
	// First replies O1-O13 (O14's came before the range). Calendar sorted: 600 1200 1200 1800
	// 2400 2700 3000 3600 3600 4200 4800 14400 239400 (sum 282900); business: 0 0 600 1200 1200
	// 1800 2400 2700 3000 3600 4200 4800 5400 (sum 30900). Median rank 7, p90 rank 12.
	assert.deepEqual(times.first_response, { calendar: stats(13, 21762, 3000, 14400), business: stats(13, 2377, 2400, 4800) });
	// Resolutions O1-O14. Calendar sorted: 3600 7200 7200 10800 10800 14400 14400 14400 25200
	// 63000 86400 117000 129600 248400 (sum 752400); business: 0 1800 3600 3600 5400 7200 7200
	// 10800 10800 14400 14400 14400 14400 28800 (sum 136800). Median rank 7, p90 rank 13.
	assert.deepEqual(times.resolution, { calendar: stats(14, 53743, 14400, 129600), business: stats(14, 9771, 7200, 14400) });
	const volume = await ok(await get(who.ada.token, `/api/v1/reports/volume?${OCTOBER}`));
	assert.deepEqual(volume.data.map((d) => [d.day, d.created, d.resolved]), [
		['2026-10-22', 4, 5], ['2026-10-23', 5, 4], ['2026-10-24', 1, 0], ['2026-10-25', 1, 0], ['2026-10-26', 1, 3], ['2026-10-27', 1, 2],
	]);
	const lights = await ok(await get(who.ada.token, `/api/v1/reports/lights?${OCTOBER}`));
	assert.equal(lights.tickets, 13);
	assert.deepEqual(lights.levels, [
		level(1, 'response', 12, 1, 0, [92.3, 7.7, 0]),
		level(2, 'supplier', 13, 0, 0, [100, 0, 0]),
		level(3, 'communication', 13, 0, 0, [100, 0, 0]),
	]);
	assert.deepEqual([lights.breaches_by_agent, lights.breaches_by_team], [[], []]);
	const suppliers = await ok(await get(who.ada.token, `/api/v1/reports/suppliers?${OCTOBER}`));
	assert.deepEqual(suppliers.data.map((s) => [s.supplier, s.calendar, s.business]), [
		['@Freight, Ltd', stats(1, 3600, 3600, 3600), stats(1, 3600, 3600, 3600)],
		['Courier Co', stats(1, 86400, 86400, 86400), stats(1, 28800, 28800, 28800)],
		['Parts Ltd', stats(1, 14400, 14400, 14400), stats(1, 0, 0, 0)],
	]);
	const agents = await ok(await get(who.ada.token, `/api/v1/reports/agents?${OCTOBER}`));
	assert.deepEqual(agents.data, [
		agentRow('ada', 'Ada Admin', 0, 0, 0, null, null, 0),
		agentRow('ann', 'Ann Agent', 7, 7, 7, 3000, 1800, 0),
		agentRow('bob', 'Bob Agent', 7, 6, 6, 2700, 2400, 0),
		agentRow('cy', 'Cy Agent', 0, 0, 0, null, null, 0),
		agentRow('mia', 'Mia Manager', 0, 0, 0, null, null, 0),
	]);
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
	const october = await get(who.ada.token, `/api/v1/reports/suppliers?${OCTOBER}&format=csv`);
	assert.equal(october.text.split('\r\n')[1].replace(/^\d+,/, ''), '"\'@Freight, Ltd",1,3600,3600,3600,3600,3600,3600');
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
