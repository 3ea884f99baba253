// Rules on a tenant of their own: validated when saved, run in order on their trigger, every
// firing on the timeline, and no loop however the rules are written.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const PASS = 'Rule-Pass-123';
const slug = uniqueTag('u').toLowerCase().slice(0, 24);
let admin, agent, manager, customer, agentId;

test.before(async () => {
	applyTenant({
		slug, name: 'Rulebook', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Rulebook Help', issue_word: 'ticket', primary_color: '#a16207', accent_color: '#fefce8', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		users: [
			{ email: 'admin@rule.example', name: 'Rita Admin', role: 'admin' },
			{ email: 'mgr@rule.example', name: 'Max Manager', role: 'manager' },
			{ email: 'agent@rule.example', name: 'Ada Agent', role: 'agent' },
			{ email: 'cli@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	admin = (await loginFull(slug, 'admin@rule.example', PASS)).token;
	manager = (await loginFull(slug, 'mgr@rule.example', PASS)).token;
	const a = await loginFull(slug, 'agent@rule.example', PASS);
	agent = a.token;
	agentId = a.user.id;
	customer = (await loginFull(slug, 'cli@client.example', PASS)).token;
});

const putRules = (rules) => request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules } });
const raise = async (subject) => {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject } });
	assert.equal(res.status, 201, res.text);
	return res.json.number;
};
const timeline = async (n) => (await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: admin })).json.data;

test('a rule on creation: conditions, ordered actions, every firing on the timeline', async () => {
	const res = await putRules([
		{ name: 'Fires are urgent', trigger: 'created', conditions: { field: 'subject', op: 'contains', value: 'fire' },
			actions: [{ type: 'set_priority', value: 'urgent' }, { type: 'set_assignee', value: agentId },
				{ type: 'add_note', value: 'Flagged as urgent by rule.' }, { type: 'escalate' }] },
		{ name: 'Everything else', trigger: 'created', conditions: {}, actions: [{ type: 'notify', value: agentId }] },
	]);
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json.data.map((r) => [r.name, r.trigger, r.enabled]), [['Fires are urgent', 'created', true], ['Everything else', 'created', true]]);

	const n = await raise('Server room on FIRE');
	const t = (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: admin })).json;
	assert.equal(t.priority, 'urgent');
	assert.equal(t.assignee.name, 'Ada Agent');
	const events = await timeline(n);
	assert.deepEqual(events.map((e) => e.kind), ['created', 'rule_fired', 'updated', 'assigned', 'note_added', 'rule_fired']);
	assert.deepEqual(events[1].data, { rule: events[1].data.rule, name: 'Fires are urgent', actions: ['set_priority', 'set_assignee', 'add_note', 'escalate'], trigger: 'created' });
	const notes = (await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: admin })).json.data;
	assert.deepEqual(notes.map((x) => [x.visibility, x.body, x.author.name]), [['internal', 'Flagged as urgent by rule.', 'Automation']]);
	// The customer sees none of it: no internal note, no rule.
	const mine = (await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: customer })).json.data;
	assert.deepEqual(mine, []);
	const inbox = (await request(slug, 'GET', '/api/v1/notifications', { token: manager })).json.data;
	assert.equal(inbox[0].message, `Escalated by rule "Fires are urgent": ticket #${n}`);
	const agentInbox = (await request(slug, 'GET', '/api/v1/notifications', { token: agent })).json.data;
	assert.equal(agentInbox[0].message, `Rule "Everything else" on ticket #${n}`);

	// A ticket that does not match gets only the second rule.
	const calm = await raise('A question about invoices');
	assert.deepEqual((await timeline(calm)).filter((e) => e.kind === 'rule_fired').map((e) => e.data.name), ['Everything else']);
});

test('rules cannot loop: a rule never restarts itself and chains stop', async () => {
	const res = await putRules([
		{ name: 'Up', trigger: 'updated', conditions: { field: 'priority', op: 'less', value: 'high' }, actions: [{ type: 'set_priority', value: 'high' }] },
		{ name: 'Down', trigger: 'updated', conditions: { field: 'priority', op: 'equals', value: 'high' }, actions: [{ type: 'set_priority', value: 'low' }] },
	]);
	assert.equal(res.status, 200, res.text);
	const n = await raise('Ping pong');
	const t = (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: agent })).json;
	const patched = await request(slug, 'PATCH', `/api/v1/tickets/${n}`, { token: agent, headers: { 'if-match': `"${t.version}"` }, body: { priority: 'low' } });
	// low → (Up) high → (Down) low → Up is already running: the chain ends.
	assert.equal(patched.status, 200, patched.text);
	const fired = (await timeline(n)).filter((e) => e.kind === 'rule_fired').map((e) => e.data.name);
	assert.ok(fired.length >= 1 && fired.length <= 3, `fired ${fired}`);
	assert.equal(fired[0], 'Up');
});

test('rules are validated whole, admins only', async () => {
	const sometimes = await putRules([{ name: 'x', trigger: 'sometimes', conditions: {}, actions: [{ type: 'escalate' }] }]);
	assertFieldError(sometimes, '/rules/0/trigger', 'invalid_value');
	// The rule editor shows this message as it is: it must list every trigger there is.
	assert.equal(sometimes.json.errors[0].message,
		'trigger is one of: created, updated, status_changed, note_added, light_amber, light_red, time_in_status');
	assertFieldError(await putRules([{ name: 'x', trigger: 'created', conditions: { field: 'mood', op: 'equals', value: 'bad' }, actions: [{ type: 'escalate' }] }]), '/rules/0/conditions', 'invalid_value');
	assertFieldError(await putRules([{ name: 'x', trigger: 'created', conditions: {}, actions: [] }]), '/rules/0/actions', 'invalid_value');
	assertFieldError(await putRules([{ name: 'x', trigger: 'created', conditions: {}, actions: [{ type: 'set_priority', value: 'asap' }] }]), '/rules/0/actions/0', 'invalid_value');
	assertProblem(await request(slug, 'GET', '/api/v1/admin/rules', { token: agent }), 403, 'forbidden');
	const cleared = await putRules([]);
	assert.deepEqual(cleared.json.data, []);
});

test('a time-based rule fires once per stay in a status, across a scheduler restart', async () => {
	const password = fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim();
	const sql = (q) => execFileSync('mariadb', ['--socket', path.join(VAR, 'run/mariadb.sock'), '-u', 'portal', `-p${password}`, '-N', '-B', 'portal', '-e', q], { encoding: 'utf8' }).trim();
	const res = await putRules([{ name: 'Chase untouched', trigger: 'time_in_status', minutes: 30, status: 'not_started', conditions: {},
		actions: [{ type: 'add_note', value: 'Nobody has looked at this for 30 minutes.' }, { type: 'escalate' }] }]);
	assert.equal(res.status, 200, res.text);
	assert.deepEqual([res.json.data[0].minutes, res.json.data[0].status], [30, 'not_started']);
	const n = await raise('Waiting quietly');
	const tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	const firings = async () => (await timeline(n)).filter((e) => e.kind === 'rule_fired').length;
	await new Promise((r) => setTimeout(r, 1500));
	assert.equal(await firings(), 0, 'not yet: only seconds in the status');
	sql(`UPDATE tickets SET status_since = status_since - INTERVAL 31 MINUTE WHERE tenant_id = ${tid} AND number = ${n}`);
	for (let i = 0; i < 50 && (await firings()) === 0; i++) await new Promise((r) => setTimeout(r, 200));
	assert.equal(await firings(), 1);
	// The scheduler restarts: nothing fires twice for the same stay.
	process.kill(Number(fs.readFileSync(path.join(VAR, 'run/portald.pid'), 'utf8').trim()), 'SIGHUP');
	await new Promise((r) => setTimeout(r, 3000));
	assert.equal(await firings(), 1);
	const notes = (await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: admin })).json.data;
	assert.deepEqual(notes.map((x) => x.body), ['Nobody has looked at this for 30 minutes.']);
	await putRules([]);
});
