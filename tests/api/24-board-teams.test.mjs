// The board's per-team figures: a hand-built fixture of tickets in two teams' pipelines, some of
// them turned amber or red by moving their stored instants into the past, counted exactly for
// each team; an agent sees only their own teams' figures, the admin every team's, and another
// tenant's tickets (in teams of the same names) are never counted.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request, loginFull, uniqueTag, applyTenant, dbEnv } from './lib.mjs';

const PASS = 'Team-Pass-123';

function sql(statement) {
	const env = dbEnv();
	return execFileSync('mariadb', ['--socket', env.PORTAL_DB_SOCKET, '-u', 'portal', `-p${env.PORTAL_DB_PASSWORD}`,
		'-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

// A by-team tenant whose default pipeline belongs to Hardware, plus a copy of it for Billing.
function tenant() {
	const slug = uniqueTag('bt').toLowerCase().slice(0, 24);
	applyTenant({
		slug, name: 'Teamboard', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Teamboard Help', issue_word: 'ticket', primary_color: '#be123c', accent_color: '#fff1f2', logo: 'logo.svg' },
		settings: { customers_see_company: false, agents_see_all: false }, companies: ['Client'], default_password: PASS,
		teams: [{ name: 'Hardware', members: ['hana@team.example', 'mona@team.example'] }, { name: 'Billing', members: ['bill@team.example', 'mona@team.example'] }],
		routing: { team: 'Hardware', intake: 'manual' },
		users: [
			{ email: 'admin@team.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'mona@team.example', name: 'Mona Manager', role: 'manager' },
			{ email: 'hana@team.example', name: 'Hana Hardware', role: 'agent' },
			{ email: 'bill@team.example', name: 'Bill Billing', role: 'agent' },
			{ email: 'nemo@team.example', name: 'Nemo Noteam', role: 'agent' },
			{ email: 'cli@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	const tenantId = Number(sql(`SELECT id FROM tenants WHERE slug = '${slug}'`));
	sql(`INSERT INTO pipelines (tenant_id, pkey, name, is_default, team_id)
		SELECT ${tenantId}, 'billing', 'Billing', 0, id FROM teams WHERE tenant_id = ${tenantId} AND name = 'Billing';
		SET @p = LAST_INSERT_ID();
		INSERT INTO statuses (tenant_id, pipeline_id, skey, staff_name, customer_name, category, color, position, is_entry, clocks, require_note)
		SELECT tenant_id, @p, skey, staff_name, customer_name, category, color, position, is_entry, clocks, require_note
		FROM statuses WHERE tenant_id = ${tenantId} AND pipeline_id = (SELECT id FROM pipelines WHERE tenant_id = ${tenantId} AND is_default = 1);
		UPDATE tenants SET config_version = config_version + 1 WHERE id = ${tenantId};`);
	return { slug, tenantId };
}

const tok = async (slug, who) => (await loginFull(slug, `${who}@team.example`, PASS)).token;

async function raise(slug, token, n) {
	const numbers = [];
	for (let i = 0; i < n; i++) {
		const res = await request(slug, 'POST', '/api/v1/tickets', { token, body: { subject: `${uniqueTag('B')} board` } });
		assert.equal(res.status, 201, res.text);
		numbers.push(res.json.number);
	}
	return numbers;
}

// Moves tickets into the Billing pipeline, keeping their status by key.
function toBilling(tenantId, numbers) {
	sql(`UPDATE tickets t JOIN statuses s ON s.id = t.status_id
		JOIN statuses b ON b.tenant_id = t.tenant_id AND b.skey = s.skey
		AND b.pipeline_id = (SELECT id FROM pipelines WHERE tenant_id = ${tenantId} AND pkey = 'billing')
		SET t.pipeline_id = b.pipeline_id, t.status_id = b.id
		WHERE t.tenant_id = ${tenantId} AND t.number IN (${numbers.join(', ')})`);
}

// Level `level` of ticket `number` turned amber an hour ago, and red a minute ago when `red`.
function turn(tenantId, number, level, red) {
	sql(`UPDATE ticket_lights l JOIN tickets t ON t.id = l.ticket_id
		SET l.amber_at = UTC_TIMESTAMP(6) - INTERVAL 1 HOUR,
		l.red_at = ${red ? 'UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE' : 'UTC_TIMESTAMP(6) + INTERVAL 1 DAY'}
		WHERE l.tenant_id = ${tenantId} AND t.number = ${number} AND l.level = ${level}`);
}

const levels = (g1, a1, r1, g3, a3, r3) => [
	{ level: 1, name: 'response', green: g1, amber: a1, red: r1 },
	{ level: 2, name: 'supplier', green: 0, amber: 0, red: 0 },
	{ level: 3, name: 'communication', green: g3, amber: a3, red: r3 },
];

test('the board counts per team, per level and colour; each agent sees their teams only', async () => {
	const { slug, tenantId } = tenant();
	const other = tenant();
	const cli = (await loginFull(slug, 'cli@client.example', PASS)).token;
	const otherCli = (await loginFull(other.slug, 'cli@client.example', PASS)).token;

	// Hardware: 4 tickets, one amber and one red on response, one red on communication.
	// Billing: 3 tickets, one red on response, one amber on communication.
	const hardware = await raise(slug, cli, 4);
	const billing = await raise(slug, cli, 3);
	toBilling(tenantId, billing);
	turn(tenantId, hardware[0], 1, false);
	turn(tenantId, hardware[1], 1, true);
	turn(tenantId, hardware[2], 3, true);
	turn(tenantId, billing[0], 1, true);
	turn(tenantId, billing[1], 3, false);
	// The other tenant: the same teams by name, tickets in both, red ones too.
	const otherHardware = await raise(other.slug, otherCli, 2);
	const otherBilling = await raise(other.slug, otherCli, 2);
	toBilling(other.tenantId, otherBilling);
	for (const n of [...otherHardware, ...otherBilling]) turn(other.tenantId, n, 1, true);

	const [admin, mona, hana, bill, nemo] = await Promise.all(['admin', 'mona', 'hana', 'bill', 'nemo'].map((w) => tok(slug, w)));
	const board = async (token) => {
		const res = await request(slug, 'GET', '/api/v1/board', { token });
		assert.equal(res.status, 200, res.text);
		return res.json;
	};
	const teamIds = Object.fromEntries(sql(`SELECT name, id FROM teams WHERE tenant_id = ${tenantId}`).split('\n').map((l) => {
		const [name, id] = l.split('\t');
		return [name, Number(id)];
	}));
	const billingFigures = { id: teamIds.Billing, name: 'Billing', levels: levels(2, 0, 1, 2, 1, 0) };
	const hardwareFigures = { id: teamIds.Hardware, name: 'Hardware', levels: levels(2, 1, 1, 3, 0, 1) };

	const all = await board(admin);
	assert.deepEqual(all.teams, [billingFigures, hardwareFigures], 'the admin sees every team, by name');
	// The tenant's own totals are the teams' sums here (every pipeline has a team).
	assert.deepEqual(all.levels, levels(4, 1, 2, 5, 1, 1));
	assert.deepEqual((await board(mona)).teams, [billingFigures, hardwareFigures], 'a manager in both teams');
	assert.deepEqual((await board(hana)).teams, [hardwareFigures], 'Hardware only');
	assert.deepEqual((await board(bill)).teams, [billingFigures], 'Billing only');
	const nobody = await board(nemo);
	assert.deepEqual(nobody.teams, [], 'no team, no team figures');
	assert.deepEqual(nobody.levels, levels(0, 0, 0, 0, 0, 0));

	// The other tenant's admin sees its own figures only.
	const otherBoard = (await request(other.slug, 'GET', '/api/v1/board', { token: await tok(other.slug, 'admin') })).json;
	assert.deepEqual(otherBoard.teams.map((t) => [t.name, t.levels[0].red, t.levels[0].green]), [['Billing', 2, 0], ['Hardware', 2, 0]]);
	assert.ok(!otherBoard.teams.some((t) => t.id === teamIds.Billing || t.id === teamIds.Hardware));

	// A ticket answered leaves its team's response count; a resolved one leaves every count.
	const answered = await request(slug, 'POST', `/api/v1/tickets/${billing[0]}/notes`, { token: admin, body: { body: 'On it.', visibility: 'public' } });
	assert.equal(answered.status, 201, answered.text);
	const after = await board(admin);
	assert.deepEqual(after.teams[0].levels, levels(2, 0, 0, 2, 1, 0), 'Billing: the red response answered');
	assert.deepEqual(after.teams[1], hardwareFigures, 'Hardware unchanged');
});

test('a tenant without teams answers an empty team list', async () => {
	const acme = (await loginFull('acme', 'admin@acme.example')).token;
	const res = await request('acme', 'GET', '/api/v1/board', { token: acme });
	assert.equal(res.status, 200, res.text);
	assert.deepEqual(res.json.teams, []);
});
