// Reports on a tenant of its own with a hand-built fixture, so every number is known:
// open tickets by status, by agent and by age, as JSON and as CSV.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const PASS = 'Report-Pass-123';
const slug = uniqueTag('q').toLowerCase().slice(0, 24);
let manager, ann, bob, customerId;

function sql(statement) {
	const password = fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim();
	return execFileSync('mariadb', ['--socket', path.join(VAR, 'run/mariadb.sock'), '-u', 'portal', `-p${password}`, '-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

test.before(async () => {
	applyTenant({
		slug, name: 'Reporting Co', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Reports Help', issue_word: 'ticket', primary_color: '#4338ca', accent_color: '#eef2ff', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Data Inc'], default_password: PASS,
		users: [
			{ email: 'mgr@rep.example', name: 'Mia Manager', role: 'manager' },
			{ email: 'ann@rep.example', name: 'Ann Agent', role: 'agent' },
			{ email: 'bob@rep.example', name: 'Bob Agent', role: 'agent' },
			{ email: 'cust@data.example', name: 'Dee Customer', role: 'customer', company: 'Data Inc' },
		],
	});
	manager = await loginFull(slug, 'mgr@rep.example', PASS);
	ann = await loginFull(slug, 'ann@rep.example', PASS);
	bob = await loginFull(slug, 'bob@rep.example', PASS);
	customerId = (await loginFull(slug, 'cust@data.example', PASS)).user.id;

	// The fixture: 6 tickets. Ann: 2 open (one in progress, one deferred) + 1 resolved;
	// Bob: 1 open; unassigned: 2 open. Ages: two created 2 days ago, one 10 days ago, one 40.
	const make = async (subject) => (await request(slug, 'POST', '/api/v1/tickets', { token: manager.token, body: { subject, customer_id: customerId } })).json;
	const t = [];
	for (let i = 1; i <= 6; i++) t.push(await make(`=cmd|' /C calc'!A${i}`));
	const assign = async (tk, who) => request(slug, 'PATCH', `/api/v1/tickets/${tk.number}`, { token: manager.token, headers: { 'if-match': `"${tk.version}"` }, body: { assignee_id: who.user.id } });
	const move = (tk, to) => request(slug, 'POST', `/api/v1/tickets/${tk.number}/transitions`, { token: manager.token, body: { to } });
	await assign(t[0], ann); await move(t[0], 'in_progress');
	await assign(t[1], ann); await move(t[1], 'deferred');
	await assign(t[2], ann); await move(t[2], 'resolved');
	await assign(t[3], bob);
	const tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	sql(`UPDATE tickets SET created_at = UTC_TIMESTAMP(6) - INTERVAL 2 DAY WHERE tenant_id = ${tid} AND number IN (${t[0].number}, ${t[3].number})`);
	sql(`UPDATE tickets SET created_at = UTC_TIMESTAMP(6) - INTERVAL 10 DAY WHERE tenant_id = ${tid} AND number = ${t[1].number}`);
	sql(`UPDATE tickets SET created_at = UTC_TIMESTAMP(6) - INTERVAL 40 DAY WHERE tenant_id = ${tid} AND number = ${t[4].number}`);
});

const rows = (json, dim) => json.data.filter((r) => r.dimension === dim).map((r) => [r.label, r.count]);

test('open tickets by status, agent and age, for the whole tenant', async () => {
	const res = await request(slug, 'GET', '/api/v1/reports/open', { token: manager.token });
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.scope, 'tenant');
	assert.deepEqual(rows(res.json, 'status'), [['Not started', 3], ['In progress', 1], ['Awaiting update', 0], ['Deferred', 1]]);
	assert.deepEqual(rows(res.json, 'agent'), [['Ann Agent', 2], ['Unassigned', 2], ['Bob Agent', 1]]);
	assert.deepEqual(rows(res.json, 'age'), [['< 1 day', 1], ['1-3 days', 2], ['3-7 days', 0], ['7-30 days', 1], ['> 30 days', 1]]);
});

test('an agent sees their own figures only; customers none', async () => {
	const res = await request(slug, 'GET', '/api/v1/reports/open', { token: ann.token });
	assert.equal(res.json.scope, 'mine');
	assert.deepEqual(rows(res.json, 'agent'), [['Ann Agent', 2]]);
	assert.deepEqual(rows(res.json, 'status'), [['Not started', 0], ['In progress', 1], ['Awaiting update', 0], ['Deferred', 1]]);
	const cust = await loginFull(slug, 'cust@data.example', PASS);
	assertProblem(await request(slug, 'GET', '/api/v1/reports/open', { token: cust.token }), 403, 'forbidden');
	assertProblem(await request(slug, 'GET', '/api/v1/reports/open?format=xml', { token: manager.token }), 400, 'invalid_parameter');
});

test('the CSV download: RFC 4180, UTF-8, header row, formulas neutralised', async () => {
	const res = await request(slug, 'GET', '/api/v1/reports/open?format=csv', { token: manager.token });
	assert.equal(res.status, 200);
	assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
	assert.equal(res.headers['content-disposition'], 'attachment; filename="open-tickets.csv"');
	const lines = res.text.split('\r\n');
	assert.equal(lines[0], 'dimension,key,label,count');
	assert.equal(lines.at(-1), '');
	assert.ok(lines.includes('status,not_started,Not started,3'));
	assert.ok(lines.includes('age,> 30 days,> 30 days,1'));
	// Another tenant's report never counts these.
	const acme = await loginFull('acme', 'manager@acme.example');
	const theirs = await request('acme', 'GET', '/api/v1/reports/open', { token: acme.token });
	assert.ok(!theirs.json.data.some((r) => r.label === 'Ann Agent'));
});

test('created and resolved per day, in the tenant\'s time zone, as JSON and CSV', async () => {
	const day = (offset) => new Date(Date.now() - offset * 86400000).toISOString().slice(0, 10);
	const from = day(40);
	const to = day(0);
	const res = await request(slug, 'GET', `/api/v1/reports/volume?from=${from}&to=${to}`, { token: manager.token });
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.time_zone, 'UTC');
	assert.equal(res.json.data.length, 41);
	const nonzero = res.json.data.filter((d) => d.created || d.resolved).map((d) => [d.day, d.created, d.resolved]);
	assert.deepEqual(nonzero, [[day(40), 1, 0], [day(10), 1, 0], [day(2), 2, 0], [day(0), 2, 1]]);
	const csv = await request(slug, 'GET', `/api/v1/reports/volume?from=${day(2)}&to=${to}&format=csv`, { token: manager.token });
	assert.equal(csv.text, `day,created,resolved\r\n${day(2)},2,0\r\n${day(1)},0,0\r\n${day(0)},2,1\r\n`);
	for (const q of ['from=2026-13-01&to=2026-12-01', `from=${to}&to=${from}`, 'from=2020-01-01&to=2026-01-01', 'to=2026-01-01'])
		assertProblem(await request(slug, 'GET', `/api/v1/reports/volume?${q}`, { token: manager.token }), 400, 'invalid_parameter');
	assertProblem(await request(slug, 'GET', `/api/v1/reports/volume?from=${from}&to=${to}`, { token: ann.token }), 403, 'forbidden');
});

test('long ranges count by week (from 93 days) and by month (from 367 days), the same tickets as by day', async () => {
	const day = (offset) => new Date(Date.now() - offset * 86400000).toISOString().slice(0, 10);
	const get = async (q) => {
		const res = await request(slug, 'GET', `/api/v1/reports/volume?${q}`, { token: manager.token });
		assert.equal(res.status, 200, res.text);
		return res.json;
	};
	// Periods worked out here from the daily figures (the tenant's zone is UTC): a week starts
	// on Monday, a month on its first, and the first period starts with the range.
	const regroup = (days, startsPeriod) => {
		const out = [];
		days.forEach((d, i) => {
			if (i === 0 || startsPeriod(d.day)) out.push({ day: d.day, created: 0, resolved: 0 });
			out.at(-1).created += d.created;
			out.at(-1).resolved += d.resolved;
		});
		return out;
	};
	const monday = (s) => new Date(`${s}T00:00:00Z`).getUTCDay() === 1;
	const firstOfMonth = (s) => s.endsWith('-01');
	for (const [span, period, starts] of [[91, 'day', () => true], [120, 'week', monday], [400, 'month', firstOfMonth]]) {
		const q = `from=${day(span)}&to=${day(0)}`;
		const grouped = await get(q);
		const daily = await get(`${q}&group=day`);
		assert.equal(grouped.period, period, `${span} days`);
		assert.equal(daily.data.length, span + 1);
		assert.deepEqual(grouped.data, regroup(daily.data, starts), `${span} days by ${period}`);
		assert.equal(grouped.data.reduce((n, d) => n + d.created, 0), 6);
	}
	const weeks = await get(`from=${day(20)}&to=${day(0)}&group=week`);
	assert.equal(weeks.period, 'week');
	const csv = await request(slug, 'GET', `/api/v1/reports/volume?from=${day(400)}&to=${day(0)}&format=csv`, { token: manager.token });
	assert.ok(csv.text.startsWith(`month,created,resolved\r\n${day(400)},`), csv.text.slice(0, 60));
	assertProblem(await request(slug, 'GET', `/api/v1/reports/volume?from=${day(2)}&to=${day(0)}&group=year`, { token: manager.token }), 400, 'invalid_parameter');
});
