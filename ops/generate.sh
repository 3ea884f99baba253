#!/usr/bin/env bash
# The benchmark's data set, generated straight into the bench stack's private MariaDB.
#
#   ops/generate.sh full|quick|open
#
# full:  "bench-1m"  1,000,000 tickets, ~5,000,000 notes and their timeline, 200 agents (in 10
#                    teams where the schema has teams), 50,000 customers in 2,000 companies,
#                    tickets spread over two years
#        "bench-open100k" 125,000 tickets, every one in the mix of statuses of the open work
#                    (15 % resolved): about 106,000 open, 99,990 with running or paused clocks (the
#                    size the lights' recomputation is timed on)
# quick: "bench-20k" 20,000 tickets, 200 agents, 5,000 customers in 200 companies
#        "bench-open10k" 12,500 tickets in the same mix, about 10,000 with clocks
# both:  "bench-10k" 10,000 tickets (the size the large tenant is compared with) and 99 small
#        tenants "bench-s01".."bench-s99" (200 tickets each; quick makes only the first 9);
#        "bench-rt" and its twin "bench-rt0", 20,000 tickets and 500 agents each: bench-rt routes
#        its "Printers" category by skill (every agent has the skill at a level of 1 to 5, a third
#        a second skill, capacities 5 to 60, one in four away), bench-rt0 is configured for nothing
# open:  "bench-open100k" alone, for timing the recomputation by hand (`portalctl lights
#        recompute bench-open100k`)
#
# Tenants are created with `portalctl tenant apply` (definitions written to $PORTAL_VAR/dataset/),
# so pipelines, signing keys and counters are the real ones; users, companies, tickets, notes,
# timeline rows and traffic-light rows are bulk-inserted with INSERT ... SELECT over MariaDB's
# SEQUENCE engine. Every value is a function of the row number and BENCH_SEED (default 1), so the
# same seed gives the same data set; times are relative to the moment of generation.
# Every generated user signs in with the password in BENCH_PASSWORD (default Bench-Pass-1).
#
# A tenant whose marker file ($PORTAL_VAR/dataset/<slug>.done) matches its specification and
# whose rows are in the database is skipped. Exit status 3: a bench tenant is in the database
# without a matching marker (an interrupted or different generation): start from an empty
# database (ops/bench.sh does that by itself).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-quick}
VAR=${PORTAL_VAR:-var/bench}
VAR=$(cd "$VAR" && pwd)
RUN=$VAR/run
DATA=$VAR/dataset
SEED=${BENCH_SEED:-1}
PASSWORD=${BENCH_PASSWORD:-Bench-Pass-1}
PORTALCTL_BIN=${PORTALCTL_BIN:-build/portalctl}
FORMAT=4 # bump when the generator's output changes: old markers then no longer match

export PORTAL_DB_SOCKET=$RUN/mariadb.sock PORTAL_DB_USER=portal PORTAL_DB_NAME=portal
PORTAL_DB_PASSWORD=$(cat "$VAR/db.password")
export PORTAL_DB_PASSWORD
export MYSQL_PWD=$PORTAL_DB_PASSWORD

die() { printf 'generate: %s\n' "$*" >&2; exit 1; }

sql() { mariadb --socket="$PORTAL_DB_SOCKET" -uportal -N -B portal "$@"; }

# slug tickets agents customers companies chunk [percent of the newest tickets that are open work,
# 2 when left out]
specs=()
OPEN_BIG="bench-open100k 125000 50 5000 200 25000 100"
case "$MODE" in
full) specs+=("bench-1m 1000000 200 50000 2000 50000" "$OPEN_BIG") ;;
quick) specs+=("bench-20k 20000 200 5000 200 20000" "bench-open10k 12500 20 1000 50 12500 100") ;;
open) specs+=("$OPEN_BIG") ;;
*) die "usage: ops/generate.sh full|quick|open" ;;
esac
if [ "$MODE" != open ]; then
	specs+=("bench-10k 10000 20 1000 50 10000")
	specs+=("bench-rt 20000 500 2000 100 20000" "bench-rt0 20000 500 2000 100 20000")
	# 99 small tenants; a quick run makes only the first 9.
	nsmall=99
	[ "$MODE" = quick ] && nsmall=9
	for i in $(seq 1 $nsmall); do specs+=("$(printf 'bench-s%02d 200 5 100 10 200' "$i")"); done
fi

mkdir -p "$DATA"
start_all=$(date +%s.%N)

# --- which tenants need generating -------------------------------------------------------------

declare -A have_tenant last_number
while read -r slug n; do
	have_tenant[$slug]=1
	last_number[$slug]=$n
done < <(sql -e "SELECT t.slug, COALESCE(c.last_number, 0) FROM tenants t
	LEFT JOIN ticket_counters c ON c.tenant_id = t.id WHERE t.slug LIKE 'bench-%'")

todo=()
for spec in "${specs[@]}"; do
	read -r slug tickets _ <<<"$spec"
	want="format=$FORMAT seed=$SEED spec=$spec"
	if [ -n "${have_tenant[$slug]:-}" ]; then
		if [ -f "$DATA/$slug.done" ] && [ "$(cat "$DATA/$slug.done")" = "$want" ] &&
			[ "${last_number[$slug]}" -ge "$tickets" ]; then
			continue
		fi
		echo "generate: tenant $slug is in the database but not as specified ($want)" >&2
		exit 3
	fi
	todo+=("$spec")
done
# Teams, where the schema has them: the agents of every bench tenant in ten teams ("Team 01" to
# "Team 10", agent k in team k mod 10). Idempotent, and kept apart from the tenants' rows so an
# existing data set gains them without being generated again. The members are gathered in a
# temporary table first: team_members' triggers write users, which a statement reading users may
# not (MariaDB error 1442).
teams() {
	[ -n "$(sql -e "SHOW TABLES LIKE 'team_members'")" ] || return 0
	sql <<-SQL || echo "generate: could not put the agents into teams (skipped)" >&2
		INSERT IGNORE INTO teams (tenant_id, name)
		SELECT t.id, CONCAT('Team ', LPAD(s.seq, 2, '0')) FROM tenants t JOIN seq_1_to_10 s WHERE t.slug LIKE 'bench-%';
		CREATE TEMPORARY TABLE bench_members (tenant_id BIGINT UNSIGNED, team_id BIGINT UNSIGNED, user_id BIGINT UNSIGNED)
		SELECT u.tenant_id, tm.id AS team_id, u.id AS user_id
		FROM (SELECT id, tenant_id, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY id) AS k FROM users
		      WHERE role = 'agent' AND tenant_id IN (SELECT id FROM tenants WHERE slug LIKE 'bench-%')) u
		JOIN teams tm ON tm.tenant_id = u.tenant_id AND tm.name = CONCAT('Team ', LPAD((u.k - 1) MOD 10 + 1, 2, '0'));
		INSERT IGNORE INTO team_members (tenant_id, team_id, user_id) SELECT tenant_id, team_id, user_id FROM bench_members;
	SQL
}

# The routing tenant's agents: skills with levels, capacities and availability, each a function of
# the agent's rank. Idempotent, like teams.
routing() {
	sql <<-SQL
		SET @T = (SELECT id FROM tenants WHERE slug = 'bench-rt');
		INSERT IGNORE INTO skills (tenant_id, name) SELECT @T, n FROM (SELECT 'printers' AS n UNION ALL SELECT 'billing') x
		WHERE @T IS NOT NULL;
		CREATE TEMPORARY TABLE rt_agents (id BIGINT UNSIGNED PRIMARY KEY, k INT NOT NULL)
		SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS k FROM users WHERE tenant_id = @T AND role = 'agent';
		INSERT IGNORE INTO user_skills (tenant_id, user_id, skill_id, level)
		SELECT @T, a.id, s.id, 1 + (a.k * 7) MOD 5 FROM rt_agents a JOIN skills s ON s.tenant_id = @T AND s.name = 'printers';
		INSERT IGNORE INTO user_skills (tenant_id, user_id, skill_id, level)
		SELECT @T, a.id, s.id, 1 + a.k MOD 5 FROM rt_agents a JOIN skills s ON s.tenant_id = @T AND s.name = 'billing'
		WHERE a.k MOD 3 = 0;
		UPDATE users u JOIN rt_agents a ON a.id = u.id
		SET u.capacity = 5 + (a.k * 13) MOD 56, u.availability = IF(a.k MOD 4 = 0, 'away', 'available')
		WHERE u.tenant_id = @T;
	SQL
}

if [ ${#todo[@]} -eq 0 ]; then
	teams
	routing
	echo "data set ($MODE, seed $SEED) already generated: reusing it"
	exit 0
fi

# --- tenants through portalctl -----------------------------------------------------------------

cp tenants/acme-logo.svg "$DATA/bench-logo.svg"
files=()
for spec in "${todo[@]}"; do
	read -r slug tickets _ <<<"$spec"
	routing_json=""
	[ "$slug" = bench-rt ] &&
		routing_json='
		  "routing": { "intake": "router", "categories": [{ "name": "Printers", "skill": "printers" }] },'
	cat >"$DATA/$slug.json" <<-EOF
		{
		  "slug": "$slug",
		  "name": "Bench $slug",
		  "time_zone": "Europe/London",
		  "branding": {
		    "product_name": "Bench Help Centre",
		    "issue_word": "request",
		    "primary_color": "#0f766e",
		    "accent_color": "#f0fdfa",
		    "logo": "bench-logo.svg"
		  },
		  "settings": { "customers_see_company": true },
		  "calendar": {
		    "time_zone": "Europe/London",
		    "week": {
		      "mon": [["08:00", "18:00"]], "tue": [["08:00", "18:00"]], "wed": [["08:00", "18:00"]],
		      "thu": [["08:00", "18:00"]], "fri": [["08:00", "18:00"]]
		    },
		    "holidays": []
		  },
		  "word_list": ["idiot*", "stupid", "useless"],${routing_json}
		  "companies": [],
		  "default_password": "$PASSWORD",
		  "users": [
		    { "email": "admin@$slug.example", "name": "Bench Admin", "role": "admin" }
		  ]
		}
	EOF
	files+=("$DATA/$slug.json")
done
echo "creating ${#files[@]} tenants with portalctl"
"$PORTALCTL_BIN" tenant apply "${files[@]}" | tail -1 | sed 's/^/  ... /'

# The calendar bumps lights_version; let the scheduler finish that (empty) recompute first, so it
# does not recompute the generated tickets later.
for ((i = 0; i < 300; i++)); do
	stale=$(sql -e "SELECT COUNT(*) FROM tenants WHERE slug LIKE 'bench-%' AND lights_version <> lights_done_version")
	[ "$stale" = 0 ] && break
	sleep 0.1
done

# --- bulk rows ---------------------------------------------------------------------------------

# A pseudo-random 32-bit number for (salt, row expression), fixed by the seed.
h() { printf "CRC32(CONCAT(@seed, '%s', %s))" "$1" "$2"; }

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

progress() { # label done total t0
	local now el eta
	now=$(date +%s)
	el=$((now - $4))
	eta=0
	[ "$2" -gt 0 ] && eta=$((el * ($3 - $2) / $2))
	printf '\r  %-10s %9d / %-9d tickets  %3d%%  elapsed %s  left ~%s ' "$1" "$2" "$3" $((100 * $2 / $3)) \
		"$(fmt_time $el)" "$(fmt_time $eta)"
}

# Prints the SQL that fills one tenant, in one session; after each chunk of tickets it selects a
# "progress <slug> <done> <total>" line for the display.
tenant_sql() {
	local slug=$1 N=$2 A=$3 C=$4 K=$5 CH=$6 OPEN=${7:-2} a b
	# Ids of companies, users and tickets are taken as a contiguous block after the current
	# maximum (nothing else inserts these rows while the data set is generated). A status that
	# is missing leaves a NULL that the NOT NULL columns refuse, which stops the load.
	cat <<-SQL
		SET SESSION foreign_key_checks = 0, unique_checks = 0;
		-- The triggers that keep the report facts and the agents' open counts skip this session's
		-- rows; portalctl reports rebuild computes them set-based once the tenant is loaded.
		SET @portal_bulk_load = 1;
		SET @seed = '$SEED', @N = $N, @A = $A, @C = $C, @K = $K;
		SET @T = (SELECT id FROM tenants WHERE slug = '$slug');
		SET @P = (SELECT id FROM pipelines WHERE tenant_id = @T AND is_default = 1 ORDER BY id LIMIT 1);
		SET @ns = (SELECT id FROM statuses WHERE tenant_id = @T AND pipeline_id = @P AND skey = 'not_started'),
		    @ip = (SELECT id FROM statuses WHERE tenant_id = @T AND pipeline_id = @P AND skey = 'in_progress'),
		    @au = (SELECT id FROM statuses WHERE tenant_id = @T AND pipeline_id = @P AND skey = 'awaiting_update'),
		    @df = (SELECT id FROM statuses WHERE tenant_id = @T AND pipeline_id = @P AND skey = 'deferred'),
		    @rs = (SELECT id FROM statuses WHERE tenant_id = @T AND pipeline_id = @P AND skey = 'resolved');
		SET @hash = (SELECT password_hash FROM users WHERE tenant_id = @T AND email = 'admin@$slug.example');
		SET @cb = (SELECT COALESCE(MAX(id), 0) FROM companies), @ub = (SELECT COALESCE(MAX(id), 0) FROM users),
		    @tb = (SELECT COALESCE(MAX(id), 0) FROM tickets);
		-- Two years ending now; the newest $OPEN % of the tickets are the open work.
		SET @end = UTC_TIMESTAMP(), @span = 730 * 86400, @open_from = FLOOR(@N * (100 - $OPEN) / 100);
		INSERT INTO companies (id, tenant_id, name, created_at)
		SELECT @cb + seq, @T, CONCAT(ELT(1 + $(h k seq) MOD 8, 'Northwind', 'Contoso', 'Fabrikam', 'Initech',
		       'Umbrella', 'Hooli', 'Vandelay', 'Wayne'), ' ', LPAD(seq, 5, '0')),
		       UTC_TIMESTAMP(6) - INTERVAL 800 DAY
		FROM seq_1_to_$K;
		INSERT INTO users (id, tenant_id, email, name, role, company_id, password_hash, created_at, updated_at)
		SELECT @ub + seq, @T, CONCAT('agent', LPAD(seq, 3, '0'), '@$slug.example'),
		       CONCAT(ELT(1 + $(h f seq) MOD 12, 'Alex', 'Sam', 'Jo', 'Kim', 'Lee', 'Max', 'Noor', 'Ola',
		       'Pat', 'Ravi', 'Sofia', 'Tom'), ' Agent ', seq), 'agent', NULL, @hash,
		       UTC_TIMESTAMP(6) - INTERVAL 800 DAY, UTC_TIMESTAMP(6) - INTERVAL 800 DAY
		FROM seq_1_to_$A;
		INSERT INTO users (id, tenant_id, email, name, role, company_id, password_hash, created_at, updated_at)
		SELECT @ub + @A + seq, @T, CONCAT('customer', LPAD(seq, 5, '0'), '@$slug.example'),
		       CONCAT(ELT(1 + $(h g seq) MOD 12, 'Ann', 'Ben', 'Cleo', 'Dev', 'Eva', 'Finn', 'Gus', 'Hana',
		       'Ivo', 'Jun', 'Kai', 'Lia'), ' Customer ', seq), 'customer', @cb + 1 + (seq - 1) MOD @K, @hash,
		       UTC_TIMESTAMP(6) - INTERVAL 800 DAY, UTC_TIMESTAMP(6) - INTERVAL 800 DAY
		FROM seq_1_to_$C;
	SQL
	for ((a = 1; a <= N; a += CH)); do
		b=$((a + CH - 1))
		[ $b -gt "$N" ] && b=$N
		# Every column of ticket n is a function of n and the seed.
		cat <<-SQL
			START TRANSACTION;
			INSERT INTO tickets (id, tenant_id, number, pipeline_id, status_id, subject, description, priority,
			                     customer_id, company_id, assignee_id, created_by, version, created_at, updated_at)
			SELECT @tb + n, @T, n, @P, status_id, subject, description, priority,
			       @ub + @A + 1 + ci, @cb + 1 + ci MOD @K,
			       IF(status_id = @ns AND ha MOD 100 < 70 OR ha MOD 100 = 99, NULL, @ub + 1 + ha MOD @A),
			       IF(ha MOD 10 < 6, @ub + @A + 1 + ci, @ub + 1 + (ha DIV 7) MOD @A),
			       CASE status_id WHEN @ns THEN 1 WHEN @ip THEN 2 ELSE 3 END,
			       created, IF(status_id = @ns, created, LEAST(created + INTERVAL 600 + hu MOD 259200 SECOND, @end))
			FROM (
			  SELECT seq AS n,
			         CASE WHEN seq > @open_from THEN ELT(1 + (hs MOD 100 >= 20) + (hs MOD 100 >= 55) + (hs MOD 100 >= 80)
			                                              + (hs MOD 100 >= 85), @ns, @ip, @au, @df, @rs)
			              WHEN hs MOD 1000 < 3 THEN @df ELSE @rs END AS status_id,
			         CONCAT(ELT(1 + hj MOD 16, 'Cannot sign in to', 'Error when opening', 'Slow response from',
			           'Timeout in', 'Wrong totals in', 'Request access to', 'Crash when printing from',
			           'Password reset for', 'Missing data in', 'Upgrade of', 'Licence renewal for',
			           'Sync fails for', 'Certificate warning on', 'Cannot attach files in', 'Question about',
			           'Outage of'), ' ',
			           ELT(1 + (hj DIV 16) MOD 16, 'the VPN', 'the billing portal', 'the mail server', 'the CRM',
			           'the warehouse scanner', 'the payroll export', 'the HR system', 'the shared drive',
			           'the mobile app', 'the intranet', 'the report builder', 'the phone system',
			           'the ERP', 'the laptop', 'the printer on floor 3', 'the website'),
			           ' (', seq, ')') AS subject,
			         CONCAT_WS(' ',
			           ELT(1 + hd MOD 8, 'Since this morning the system refuses to work as expected.',
			             'We noticed the problem after the latest update was installed on our side.',
			             'Several colleagues in our team report the same behaviour.',
			             'This blocks our month-end closing, please treat it with priority.',
			             'The error appears intermittently, roughly once an hour.',
			             'We already restarted the application and cleared the cache.',
			             'Could you please advise on the next steps?',
			             'Attached is a description of what we did before it happened.'),
			           ELT(1 + (hd DIV 8) MOD 8, 'The message says the connection was reset by the peer.',
			             'Nothing was changed in our configuration recently.',
			             'It worked fine until last Friday.',
			             'We use the standard setup your consultant installed two years ago.',
			             'Our reference for this is the purchase order mentioned in the contract.',
			             'The affected users are in the finance and logistics departments.',
			             'A workaround would help us until a fix is available.',
			             'Please call back on the usual number if you need more details.'),
			           IF((hd DIV 64) MOD 2 = 1, TRIM(REPEAT('Additional log output follows for reference. ', 1 + (hd DIV 128) MOD 6)), NULL))
			           AS description,
			         ELT(1 + (hp MOD 100 >= 20) + (hp MOD 100 >= 80) + (hp MOD 100 >= 95), 'low', 'normal', 'high', 'urgent')
			           AS priority,
			         hc MOD @C AS ci, ha, hu,
			         @end - INTERVAL @span SECOND + INTERVAL FLOOR((seq - 1) * @span / @N + hu MOD GREATEST(1, FLOOR(@span / @N))) SECOND
			           AS created
			  FROM (SELECT seq, $(h s seq) AS hs, $(h j seq) AS hj, $(h d seq) AS hd, $(h p seq) AS hp,
			               $(h c seq) AS hc, $(h a seq) AS ha, $(h u seq) AS hu
			        FROM seq_${a}_to_$b) r
			) x;
			-- Worknotes: 1 to 8 per ticket, 60 on one ticket in a hundred (about 5 on average), written by
			-- the customer (public) or an agent (public or internal).
			INSERT INTO notes (tenant_id, ticket_id, author_id, visibility, body, created_at)
			SELECT @T, id, IF(hn MOD 10 < 4, customer_id, COALESCE(assignee_id, @ub + 1 + hn MOD @A)),
			       IF(hn MOD 10 < 4 OR hn MOD 2 = 0, 'public', 'internal'),
			       CONCAT_WS(' ',
			         ELT(1 + (hn DIV 10) MOD 10, 'Thanks, I have looked into this.', 'Could you send a screenshot of the error?',
			           'I restarted the service on our side.', 'The issue is reproducible in the test environment.',
			           'Forwarded to the second-line team.', 'Please try again now and let us know.',
			           'We are still seeing the problem.', 'It works again, thank you!',
			           'Customer called, summary of the call below.', 'Waiting for the vendor to confirm the fix.'),
			         IF((hn DIV 100) MOD 3 = 0, TRIM(REPEAT('More detail from the log: request failed with code 500 at step 3. ',
			           1 + (hn DIV 300) MOD 5)), NULL)),
			       LEAST(created_at + INTERVAL k * (1800 + hn MOD 14400) SECOND, @end)
			FROM (SELECT t.id, t.customer_id, t.assignee_id, t.created_at, k.seq AS k,
			             $(h n "t.number * 100 + k.seq") AS hn
			      FROM (SELECT id, number, customer_id, assignee_id, created_at, $(h m number) AS hm
			            FROM tickets WHERE tenant_id = @T AND id BETWEEN @tb + $a AND @tb + $b) t
			      JOIN seq_1_to_60 k ON k.seq <= IF(t.hm MOD 100 = 0, 60, 1 + (t.hm DIV 100) MOD 8)) x
			ORDER BY id, k;
			-- The timeline: created, one row per note, and the status moves that led to the status.
			INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, data, created_at)
			SELECT @T, id, created_by, 'created', JSON_OBJECT('status', 'not_started', 'priority', priority), created_at
			FROM tickets WHERE tenant_id = @T AND id BETWEEN @tb + $a AND @tb + $b ORDER BY id;
			INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, data, created_at)
			SELECT @T, ticket_id, author_id, 'note_added', JSON_OBJECT('note_id', id, 'visibility', visibility), created_at
			FROM notes WHERE tenant_id = @T AND ticket_id BETWEEN @tb + $a AND @tb + $b ORDER BY id;
			INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, data, created_at)
			SELECT @T, id, COALESCE(assignee_id, @ub + 1), 'status_changed',
			       JSON_OBJECT('from', 'not_started', 'to', 'in_progress'), created_at + INTERVAL 5 MINUTE
			FROM tickets WHERE tenant_id = @T AND id BETWEEN @tb + $a AND @tb + $b AND status_id <> @ns;
			INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, data, created_at)
			SELECT @T, id, COALESCE(assignee_id, @ub + 1), 'status_changed',
			       JSON_OBJECT('from', 'in_progress', 'to', CASE status_id WHEN @au THEN 'awaiting_update'
			         WHEN @df THEN 'deferred' ELSE 'resolved' END), updated_at
			FROM tickets WHERE tenant_id = @T AND id BETWEEN @tb + $a AND @tb + $b AND status_id IN (@au, @df, @rs);
			-- Traffic lights, three rows per ticket as the application keeps them: a response cycle while
			-- nobody answered, a communication cycle while the ticket is open (paused while it waits for
			-- the customer), nothing for deferred and resolved tickets. Instants use the default
			-- thresholds on a 24-hour clock; turns already past count as recorded by the sweeper.
			INSERT INTO ticket_lights (tenant_id, ticket_id, level, cycle_started_at, running_since, accrued_seconds,
			                           amber_at, red_at, amber_recorded, red_recorded)
			SELECT @T, id, lvl, cyc, IF(runs, cyc, NULL), 0, amb, red,
			       COALESCE(amb <= @end, 0), COALESCE(red <= @end, 0)
			FROM (SELECT id, lvl, cyc, runs,
			             IF(runs, cyc + INTERVAL ELT((lvl - 1) * 4 + pr, 480, 240, 60, 30, 1920, 960, 480, 240,
			               1440, 960, 240, 120) MINUTE, NULL) AS amb,
			             IF(runs, cyc + INTERVAL ELT((lvl - 1) * 4 + pr, 960, 480, 120, 60, 3840, 1920, 960, 480,
			               2880, 1440, 480, 240) MINUTE, NULL) AS red
			      FROM (SELECT t.id, l.seq AS lvl, FIELD(t.priority, 'low', 'normal', 'high', 'urgent') AS pr,
			                   CASE WHEN l.seq = 1 AND t.status_id = @ns THEN t.created_at
			                        WHEN l.seq = 3 AND t.status_id IN (@ns, @ip, @au) THEN t.updated_at END AS cyc,
			                   (l.seq = 1 AND t.status_id = @ns) OR (l.seq = 3 AND t.status_id IN (@ns, @ip)) AS runs
			            FROM tickets t JOIN seq_1_to_3 l
			            WHERE t.tenant_id = @T AND t.id BETWEEN @tb + $a AND @tb + $b) y) z
			ORDER BY id, lvl;
			COMMIT;
			SELECT 'progress', '$slug', $b, $N;
		SQL
	done
	cat <<-SQL
		UPDATE ticket_counters SET last_number = GREATEST(last_number, @N) WHERE tenant_id = @T;
		UPDATE tenants SET lights_done_version = lights_version WHERE id = @T;
		SELECT 'done', '$slug', @N, @N;
	SQL
}

# Large tenants one by one with a progress line each; the small ones in one session.
t0=$(date +%s)
large=()
smalls=()
for spec in "${todo[@]}"; do
	read -r _ tickets _ <<<"$spec"
	if [ "$tickets" -ge 10000 ]; then large+=("$spec"); else smalls+=("$spec"); fi
done
show() { # reads progress lines, writes markers
	local tag slug n total small=0
	while read -r tag slug n total; do
		case "$tag" in
		progress) [ "$total" -ge 10000 ] && progress "$slug" "$n" "$total" "$t0" ;;
		done)
			# The report facts of what was loaded with the triggers off, before the marker says done.
			if [ "$total" -ge 10000 ]; then
				printf '\n'
				"$PORTALCTL_BIN" reports rebuild "$slug" | tail -1 | sed 's/^/  /' ||
					die "rebuilding the report facts of $slug failed"
			else
				"$PORTALCTL_BIN" reports rebuild "$slug" >/dev/null || die "rebuilding the report facts of $slug failed"
			fi
			for spec in "${todo[@]}"; do
				[ "${spec%% *}" = "$slug" ] && echo "format=$FORMAT seed=$SEED spec=$spec" >"$DATA/$slug.done"
			done
			if [ "$total" -lt 10000 ]; then
				small=$((small + 1))
				printf '\r  small tenants %d / %d ' "$small" "${#smalls[@]}"
				[ "$small" = "${#smalls[@]}" ] && printf '\n'
			fi
			;;
		esac
	done
	return 0
}
for spec in "${large[@]}"; do
	t0=$(date +%s)
	# shellcheck disable=SC2086
	tenant_sql $spec | sql --unbuffered | show
done
if [ ${#smalls[@]} -gt 0 ]; then
	for spec in "${smalls[@]}"; do
		# shellcheck disable=SC2086
		tenant_sql $spec
	done | sql --unbuffered | show
fi

teams
routing
echo "  updating the optimizer's statistics"
sql -e "ANALYZE TABLE companies, users, tickets, notes, ticket_events, ticket_lights" >/dev/null
end_all=$(date +%s.%N)
secs=$(awk -v a="$start_all" -v b="$end_all" 'BEGIN { printf "%.0f", b - a }')
echo "generated ${#todo[@]} tenants in $(fmt_time "$secs")"
echo "mode=$MODE seed=$SEED tenants=${#todo[@]} seconds=$secs date=$(date -u +%Y-%m-%dT%H:%MZ)" >>"$DATA/generations.log"
