// The reports' fixture: a tenant in Europe/London whose tickets, replies, moves, supplier
// requests and breaches sit at known instants around the March 2026 change to summer time.
// tests/api/25-report-figures.test.mjs checks every figure of it; the browser test shows it.
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
// A second range, Thu 2026-10-22 .. Tue 2026-10-27 (OCTOBER), holds the change back to winter
// time (Sun 25 October, 01:00 UTC: 01:00-02:00 local happens twice; Sunday has 25 hours). It
// runs from 2026-10-21 23:00 UTC to 2026-10-28 00:00 UTC; business hours are 08:00-16:00 UTC
// up to Friday and 09:00-17:00 UTC from Monday. Fourteen tickets, all resolved (so the open
// figures above stay as they are), each (created, first public reply by its assignee,
// resolved by its assignee), Ann the odd ones, Bob the even ones:
//  O1  Thu 22 08:00, 08:10, 09:00          O8  Fri 23 11:00, 12:20, 15:00
//  O2  Thu 22 09:00, 09:20, 11:00          O9  Fri 23 15:00, Mon 26 09:30, Mon 26 12:00
//  O3  Thu 22 10:00, 10:30, 13:00          O10 Sat 24 22:00, Sun 25 02:00 (four real hours, three
//  O4  Thu 22 11:00, 11:40, 15:00              on the clock), Mon 26 10:00
//  O5  Fri 23 08:00, 08:50, 10:00          O11 Sun 25 00:30 (01:30 BST), 01:30 (01:30 GMT: the same
//  O6  Fri 23 09:00, 10:00, 12:00              wall-clock time, an hour later), Mon 26 09:00
//  O7  Fri 23 10:00, 11:10, 14:00          O12 Mon 26 09:00, 09:45, Tue 27 09:00
//                                          O13 Tue 27 16:30, 16:50, 23:30
//                                          O14 Wed 21 15:00, 15:30 (both before the range), Thu 22 08:30
// Parts Ltd on O10 asked Sat 24 23:00, answered Sun 25 03:00; Courier Co on O12 asked Mon 26
// 10:00, answered Tue 27 10:00; "@Freight, Ltd" (a name a spreadsheet would take for a formula)
// on O2 asked Thu 22 09:30, answered 10:30. O9's level 1 turned amber Mon 26 09:15 (Ann).
//
// Rules (the same in the API doc and the UI help): a duration counts in the range in which it
// ends (first responses and resolutions made in the range, supplier answers given in it); each
// resolution of a reopened ticket counts; the lights' shares are over tickets created in the
// range, with every breach they ever had; breaches per agent and team are reds that happened in
// the range. Percentiles are nearest-rank: the p-th of n sorted values is the one at rank
// ceil(p/100 * n); means are rounded to the nearest second.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request, loginFull, uniqueTag, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const PASS = 'Figures-Pass-123';
export const RANGE = 'from=2026-03-26&to=2026-03-31';
export const OCTOBER = 'from=2026-10-22&to=2026-10-27';
let slug, tid;
const who = {};
const ids = {};

function sql(statement) {
	const password = fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim();
	return execFileSync('mariadb', ['--socket', path.join(VAR, 'run/mariadb.sock'), '-u', 'portal', `-p${password}`, '-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

const at = (iso) => `'${iso.replace('T', ' ')}'`;
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

// Builds the fixture in a tenant of its own and returns {slug, who (sign-ins by short name:
// ada, mia, ann, bob, cy, dee, eve), ids (pipeline, front, back, billing, echo, data)}.
export async function buildReportFixture() {
	slug = uniqueTag('f').toLowerCase().slice(0, 24);
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
	const filters = await ok(await request(slug, 'GET', '/api/v1/reports/filters', { token: who.mia.token }));
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

	const october = {};
	for (const [name, created, reply, resolved] of [
		['O1', '2026-10-22T08:00:00', '2026-10-22T08:10:00', '2026-10-22T09:00:00'],
		['O2', '2026-10-22T09:00:00', '2026-10-22T09:20:00', '2026-10-22T11:00:00'],
		['O3', '2026-10-22T10:00:00', '2026-10-22T10:30:00', '2026-10-22T13:00:00'],
		['O4', '2026-10-22T11:00:00', '2026-10-22T11:40:00', '2026-10-22T15:00:00'],
		['O5', '2026-10-23T08:00:00', '2026-10-23T08:50:00', '2026-10-23T10:00:00'],
		['O6', '2026-10-23T09:00:00', '2026-10-23T10:00:00', '2026-10-23T12:00:00'],
		['O7', '2026-10-23T10:00:00', '2026-10-23T11:10:00', '2026-10-23T14:00:00'],
		['O8', '2026-10-23T11:00:00', '2026-10-23T12:20:00', '2026-10-23T15:00:00'],
		['O9', '2026-10-23T15:00:00', '2026-10-26T09:30:00', '2026-10-26T12:00:00'],
		['O10', '2026-10-24T22:00:00', '2026-10-25T02:00:00', '2026-10-26T10:00:00'],
		['O11', '2026-10-25T00:30:00', '2026-10-25T01:30:00', '2026-10-26T09:00:00'],
		['O12', '2026-10-26T09:00:00', '2026-10-26T09:45:00', '2026-10-27T09:00:00'],
		['O13', '2026-10-27T16:30:00', '2026-10-27T16:50:00', '2026-10-27T23:30:00'],
		['O14', '2026-10-21T15:00:00', '2026-10-21T15:30:00', '2026-10-22T08:30:00'],
	]) {
		const assignee = Number(name.slice(1)) % 2 ? 'ann' : 'bob';
		const t = october[name] = await ticket(name, { created, assignee });
		await note(t, assignee, 'public', reply);
		if (name === 'O2') await ask(t, 'bob', '@Freight, Ltd', '2026-10-22T09:30:00', '2026-10-22T10:30:00');
		if (name === 'O10') await ask(t, 'bob', 'Parts Ltd', '2026-10-24T23:00:00', '2026-10-25T03:00:00');
		if (name === 'O12') await ask(t, 'bob', 'Courier Co', '2026-10-26T10:00:00', '2026-10-27T10:00:00');
		await move(t, assignee, 'resolved', resolved);
	}

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
	breach(october.O9, 1, 'amber', '2026-10-26T09:15:00', 'ann');
	return { slug, who, ids };
}

