// A large tenant's board reads the scheduler's summary instead of counting every running clock
// per request: a hand-built tenant of 10,200 open tickets in two teams' pipelines, some of
// them carrying the other team as their own (bulk-inserted, as ops/generate.sh does), gets
// exactly the counts a full count gives, per level, per effective team and for a by-team agent;
// a light turning with time shows at once, a reply at the next refresh.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request, loginFull, uniqueTag, applyTenant, dbEnv } from './lib.mjs';

const PASS = 'Big-Pass-1234';
const N = 10200; // above the 10,000 running clocks from which the summary is used
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sql(statement) {
	const env = dbEnv();
	return execFileSync('mariadb', ['--socket', env.PORTAL_DB_SOCKET, '-u', 'portal', `-p${env.PORTAL_DB_PASSWORD}`,
		'-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

const slug = uniqueTag('bs').toLowerCase().slice(0, 24);
let tenantId, agentId, admin, agent;

test.before(async () => {
	applyTenant({
		slug, name: 'Bigboard', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Bigboard Help', issue_word: 'ticket', primary_color: '#0f766e', accent_color: '#f0fdfa', logo: 'logo.svg' },
		settings: { customers_see_company: false, agents_see_all: false }, companies: ['Big Co'], default_password: PASS,
		teams: [{ name: 'Alpha', members: ['agent@big.example'] }, { name: 'Beta', members: [] }],
		routing: { team: 'Alpha', intake: 'manual' },
		users: [
			{ email: 'admin@big.example', name: 'Bo Admin', role: 'admin' },
			{ email: 'agent@big.example', name: 'Al Agent', role: 'agent' },
			{ email: 'cust@bigco.example', name: 'Cy Customer', role: 'customer', company: 'Big Co' },
		],
	});
	tenantId = Number(sql(`SELECT id FROM tenants WHERE slug = '${slug}'`));
	// Tickets 1..N, odd ones in Alpha's pipeline and even ones in Beta's, all in progress; those
	// numbered 5 mod 10 are Beta's own, 8 mod 30 Alpha's own, whatever their pipeline. Per
	// ticket k, response runs with k mod 3 = 0 red, 1 amber, 2 green; communication the same
	// for k + 1; supplier runs on every tenth ticket, green. Every instant is a day or more away.
	sql(`SET SESSION foreign_key_checks = 0;
		START TRANSACTION;
		SET @T = ${tenantId};
		SET @A = (SELECT id FROM pipelines WHERE tenant_id = @T AND is_default = 1);
		INSERT INTO pipelines (tenant_id, pkey, name, is_default, team_id) SELECT @T, 'beta', 'Beta', 0, id FROM teams WHERE tenant_id = @T AND name = 'Beta';
		SET @B = LAST_INSERT_ID();
		INSERT INTO statuses (tenant_id, pipeline_id, skey, staff_name, customer_name, category, color, position, is_entry, clocks, require_note)
		SELECT tenant_id, @B, skey, staff_name, customer_name, category, color, position, is_entry, clocks, require_note FROM statuses WHERE tenant_id = @T AND pipeline_id = @A;
		SET @SA = (SELECT id FROM statuses WHERE tenant_id = @T AND pipeline_id = @A AND skey = 'in_progress'),
		    @SB = (SELECT id FROM statuses WHERE tenant_id = @T AND pipeline_id = @B AND skey = 'in_progress');
		SET @C = (SELECT id FROM users WHERE tenant_id = @T AND role = 'customer');
		SET @TA = (SELECT id FROM teams WHERE tenant_id = @T AND name = 'Alpha'), @TB = (SELECT id FROM teams WHERE tenant_id = @T AND name = 'Beta');
		SET @tb = (SELECT COALESCE(MAX(id), 0) FROM tickets), @now = UTC_TIMESTAMP();
		INSERT INTO tickets (id, tenant_id, number, pipeline_id, status_id, subject, description, priority, customer_id, created_by, team_id, created_at, updated_at)
		SELECT @tb + seq, @T, seq, IF(seq MOD 2 = 1, @A, @B), IF(seq MOD 2 = 1, @SA, @SB), CONCAT('Bulk ', seq), '', 'normal', @C, @C,
		       CASE WHEN seq MOD 10 = 5 THEN @TB WHEN seq MOD 30 = 8 THEN @TA END, @now - INTERVAL 3 DAY, @now - INTERVAL 3 DAY FROM seq_1_to_${N};
		INSERT INTO ticket_lights (tenant_id, ticket_id, level, cycle_started_at, running_since, accrued_seconds, amber_at, red_at, amber_recorded, red_recorded)
		SELECT @T, @tb + k.seq, l.seq, @now - INTERVAL 3 DAY, @now - INTERVAL 3 DAY, 0,
		       @now + INTERVAL (CASE WHEN l.seq = 2 THEN 1 ELSE ELT(1 + (k.seq + (l.seq = 3)) MOD 3, -2, -1, 1) END) DAY,
		       @now + INTERVAL (CASE WHEN l.seq = 2 THEN 2 ELSE ELT(1 + (k.seq + (l.seq = 3)) MOD 3, -1, 1, 2) END) DAY, 1, 1
		FROM seq_1_to_${N} k JOIN seq_1_to_3 l WHERE l.seq <> 2 OR k.seq MOD 10 = 0;
		INSERT INTO ticket_counters (tenant_id, last_number) VALUES (@T, ${N}) ON DUPLICATE KEY UPDATE last_number = ${N};
		UPDATE tenants SET config_version = config_version + 1 WHERE id = @T;
		COMMIT;`);
	agentId = Number(sql(`SELECT id FROM users WHERE tenant_id = ${tenantId} AND email = 'agent@big.example'`));
	// Four of Beta's tickets are assigned to Alpha's agent: theirs to see, so on their board.
	// Ticket 15 is one, in Alpha's pipeline but Beta's own.
	sql(`UPDATE tickets SET assignee_id = ${agentId} WHERE tenant_id = ${tenantId} AND number IN (2, 4, 6, 15)`);
	admin = (await loginFull(slug, 'admin@big.example', PASS)).token;
	agent = (await loginFull(slug, 'agent@big.example', PASS)).token;
	// The scheduler summarises every 15 s.
	for (let i = 0; i < 300 && sql(`SELECT COUNT(*) FROM light_board_summary WHERE tenant_id = ${tenantId}`) === '0'; i++) await sleep(100);
});

async function board(token) {
	const res = await request(slug, 'GET', '/api/v1/board', { token });
	assert.equal(res.status, 200, res.text);
	return res.json;
}

// A ticket's effective team: its own, else its pipeline's.
const teamOf = (name) => `COALESCE(t.team_id, (SELECT p.team_id FROM pipelines p WHERE p.id = t.pipeline_id))
	= (SELECT id FROM teams WHERE tenant_id = ${tenantId} AND name = '${name}')`;

// The same figures counted in full, as the live board counts them.
function counted(where = '1') {
	const rows = sql(`SELECT l.level, COUNT(*), SUM(l.amber_at <= UTC_TIMESTAMP()), SUM(l.red_at <= UTC_TIMESTAMP())
		FROM ticket_lights l JOIN tickets t ON t.id = l.ticket_id AND t.tenant_id = l.tenant_id
		WHERE l.tenant_id = ${tenantId} AND l.cycle_started_at IS NOT NULL AND ${where} GROUP BY l.level ORDER BY l.level`);
	const out = [1, 2, 3].map((level) => ({ level, name: ['response', 'supplier', 'communication'][level - 1], green: 0, amber: 0, red: 0 }));
	for (const line of rows.split('\n').filter(Boolean)) {
		const [level, running, amber, red] = line.split('\t').map(Number);
		out[level - 1] = { ...out[level - 1], green: running - amber, amber: amber - red, red };
	}
	return out;
}

test('the summary gives exactly the full count: per level, per team, and for a by-team agent', async () => {
	const all = await board(admin);
	assert.ok(all.counts_as_of !== null, 'a tenant this large is counted from the summary');
	assert.deepEqual(all.levels, [
		{ level: 1, name: 'response', green: 3400, amber: 3400, red: 3400 },
		{ level: 2, name: 'supplier', green: 1020, amber: 0, red: 0 },
		{ level: 3, name: 'communication', green: 3400, amber: 3400, red: 3400 },
	]);
	assert.deepEqual(all.levels, counted());
	assert.deepEqual(all.teams.map((t) => [t.name, t.levels]), [
		['Alpha', counted(teamOf('Alpha'))],
		['Beta', counted(teamOf('Beta'))],
	]);
	// Alpha's: 5,100 odd tickets less the 1,020 Beta's own, plus 340 even ones of its own.
	assert.equal(Number(sql(`SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = ${tenantId} AND ${teamOf('Alpha')}`)), 4420);
	assert.notDeepEqual(counted(teamOf('Alpha')), counted(`t.pipeline_id = (SELECT id FROM pipelines WHERE tenant_id = ${tenantId} AND is_default = 1)`),
		'the effective team is not the pipeline\'s');
	const mine = await board(agent);
	assert.deepEqual(mine.levels, counted(`(${teamOf('Alpha')} OR t.assignee_id = ${agentId})`));
	assert.deepEqual(mine.teams.map((t) => t.name), ['Alpha']);
	// A small tenant counts live.
	const acme = (await loginFull('acme', 'admin@acme.example')).token;
	assert.equal((await request('acme', 'GET', '/api/v1/board', { token: acme })).json.counts_as_of, null);
});

test('a light turning with time shows at once; an answer shows at the next refresh', async () => {
	const before = await board(admin);
	// Ticket 2 (green on response) turns amber in 1 s and red in 2 s.
	sql(`UPDATE ticket_lights l JOIN tickets t ON t.id = l.ticket_id SET l.amber_at = UTC_TIMESTAMP() + INTERVAL 1 SECOND,
		l.red_at = UTC_TIMESTAMP() + INTERVAL 2 SECOND WHERE l.tenant_id = ${tenantId} AND t.number = 2 AND l.level = 1`);
	await sleep(3100);
	const turned = await board(admin);
	assert.deepEqual(turned.levels[0], { ...before.levels[0], green: before.levels[0].green - 1, red: before.levels[0].red + 1 });
	assert.deepEqual(turned.levels, counted());
	assert.equal(turned.teams[1].levels[0].red, before.teams[1].levels[0].red + 1, 'Beta\'s count');

	// Our public answer to ticket 3 (red on response) ends its response clock.
	const answer = await request(slug, 'POST', '/api/v1/tickets/3/notes', { token: admin, body: { body: 'Answered.', visibility: 'public' } });
	assert.equal(answer.status, 201, answer.text);
	let now = await board(admin);
	for (let i = 0; i < 250 && now.levels[0].red !== turned.levels[0].red - 1; i++) {
		await sleep(100);
		now = await board(admin);
	}
	assert.equal(now.levels[0].red, turned.levels[0].red - 1, 'within one refresh');
	assert.deepEqual(now.levels, counted());
});
