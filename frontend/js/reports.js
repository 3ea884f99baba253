// Reports in the agent desk: each report of /api/v1/reports/... as a uPlot chart with its
// table beneath and a CSV download, over a date range and the shared filters. Managers and
// admins see the tenant (managers held to their teams where the tenant works by team);
// agents see their own figures.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import * as api from './api.js';
import { html, replaceQuery, ErrorBox, Loading, capitalize } from './ui.js';

const FILTERS = ['pipeline', 'team', 'agent', 'priority', 'category', 'company'];
const COLOURS = { a: '#2563eb', b: '#f59e0b', green: '#16a34a', amber: '#f59e0b', red: '#dc2626' };

/** YYYY-MM-DD of a Date in the viewer's calendar. */
function day(d) {
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Seconds as h:mm:ss (hours may pass 24), or a dash when there is no figure. */
export function formatDuration(seconds) {
	if (seconds === null || seconds === undefined) return '–';
	const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
	return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

const hours = (seconds) => (seconds === null || seconds === undefined ? null : Math.round(seconds / 36) / 100);

export function Reports({ user, params }) {
	const today = new Date();
	const initial = {
		from: params.get('from') || day(new Date(today.getTime() - 29 * 86400000)),
		to: params.get('to') || day(today),
	};
	for (const f of FILTERS) initial[f] = params.get(f) || '';
	const [form, setForm] = useState(initial);
	const [applied, setApplied] = useState(initial);
	const [choices, setChoices] = useState(null);
	const [error, setError] = useState(null);

	useEffect(() => {
		let live = true;
		api.get('/reports/filters').then((r) => live && setChoices(r.data)).catch((e) => live && setError(e));
		return () => { live = false; };
	}, []);

	const query = useMemo(() => {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(applied)) if (v) q.set(k, v);
		return q.toString();
	}, [applied]);
	const filterQuery = useMemo(() => {
		const q = new URLSearchParams();
		for (const f of FILTERS) if (applied[f]) q.set(f, applied[f]);
		return q.toString();
	}, [applied]);

	const set = (name) => (e) => setForm((f) => ({ ...f, [name]: e.currentTarget.value }));
	const onSubmit = (e) => {
		e.preventDefault();
		setApplied(form);
		replaceQuery('/reports', form);
	};
	const select = (name, label, options, all) => html`<label class="field field-inline">
		<span>${label}</span>
		<select data-testid=${'report-filter-' + name} value=${form[name]} onChange=${set(name)}>
			<option value="">${all}</option>
			${options.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
		</select>
	</label>`;

	const staffWide = user.role !== 'agent';
	return html`<section class="reports" data-testid="reports">
		<div class="page-head"><h1>Reports</h1>
			<span class="muted">${staffWide ? 'Your tenant' : 'Your own figures'}</span></div>
		${error && html`<${ErrorBox} error=${error} testid="reports-error" />`}
		<form class="filters" onSubmit=${onSubmit} data-testid="report-form">
			<label class="field field-inline"><span>From</span>
				<input type="date" data-testid="report-from" value=${form.from} onInput=${set('from')} required /></label>
			<label class="field field-inline"><span>To</span>
				<input type="date" data-testid="report-to" value=${form.to} onInput=${set('to')} required /></label>
			${choices && html`
				${select('pipeline', 'Pipeline', choices.pipelines, 'All pipelines')}
				${select('team', 'Team', choices.teams, 'All teams')}
				${staffWide && select('agent', 'Agent', choices.agents, 'All agents')}
				${select('priority', 'Priority', choices.priorities.map((p) => ({ id: p, name: capitalize(p) })), 'Any priority')}
				${select('category', 'Category', choices.categories, 'All categories')}
				${select('company', 'Company', choices.companies, 'All companies')}`}
			<button class="btn btn-primary" type="submit" data-testid="report-apply">Show</button>
		</form>
		<details class="panel report-help" data-testid="report-help" open>
			<summary>How the reports count</summary>
			<ul>
				<li>Days are the tenant's days, in its time zone. A duration counts in the range in which it ends: a first response, a resolution or a supplier's answer made between the first day and the end of the last.</li>
				<li>First response: from the ticket's creation to the first public reply by staff. Resolution: from creation to a move into a resolved status.</li>
				<li>A ticket reopened after resolution counts once in "resolved" for each resolution.</li>
				<li>A ticket moved between pipelines is counted in the one it is in at the end of the range.</li>
				<li>Median and 90th percentile are nearest-rank: of n sorted values, the p-th percentile is the one at rank ⌈p/100 × n⌉ (the median of an even count is the lower middle value). Means are rounded to the second.</li>
				<li>Business time counts only the tenant's business hours (weekly hours and holidays, daylight saving included); calendar time counts every second. Durations are shown as hours:minutes:seconds.</li>
				<li>Lights: the share of tickets created in the range that stayed green, went amber (but never red) or went red on each level. Breaches are reds that happened in the range, per agent (the assignee when it turned red) and per team (of the ticket's pipeline).</li>
				<li>Per agent: a staff member whose account was disabled still has a row where they worked in the range, and none where they did not.</li>
				<li>The pipeline filter takes each ticket in the pipeline it was in at the end of the range; the other filters (team, agent, priority, category, company) take the ticket as it is now.</li>
			</ul>
		</details>
		<${OpenReport} query=${filterQuery} />
		${staffWide && html`<${VolumeReport} query=${query} />`}
		<${TimesReport} query=${query} />
		<${LightsReport} query=${query} />
		<${SuppliersReport} query=${query} />
		<${AgentsReport} query=${query} />
	</section>`;
}

/** Loads /reports/<name>?query; re-loads when the query changes. */
function useReport(name, query) {
	const [state, setState] = useState({ data: null, error: null });
	useEffect(() => {
		let live = true;
		setState((s) => ({ ...s, error: null }));
		api.get(`/reports/${name}${query ? '?' + query : ''}`)
			.then((r) => live && setState({ data: r.data, error: null }))
			.catch((e) => live && setState({ data: null, error: e }));
		return () => { live = false; };
	}, [name, query]);
	return state;
}

function Section({ name, title, query, state, children }) {
	const csv = `/api/v1/reports/${name}?${query ? query + '&' : ''}format=csv`;
	return html`<section class="panel report" data-testid=${'report-' + name}
		data-state=${state.data ? 'ready' : state.error ? 'error' : 'loading'}>
		<div class="report-head">
			<h2>${title}</h2>
			<a class="btn btn-small" href=${csv} download data-testid=${'report-csv-' + name}>Download CSV</a>
		</div>
		${state.error ? html`<${ErrorBox} error=${state.error} testid=${'report-error-' + name} />`
		: !state.data ? html`<${Loading} />` : children}
	</section>`;
}

/**
 * A uPlot chart. x: the x values (indexes for categories, unix seconds for time); series:
 * [{label, values, colour}]; labels: the category names (omit for a time axis); bars: draw
 * bars (several series side by side, or stacked when stacked is set: values then run from
 * the largest down, each drawn over the one before).
 */
function Chart({ testid, x, series, labels, bars = true, stacked = false, yLabel }) {
	const box = useRef(null);
	useEffect(() => {
		const el = box.current;
		if (!el) return undefined;
		const n = series.length;
		const width = Math.max(320, Math.min(el.clientWidth || 720, 960));
		const opts = {
			width,
			height: 240,
			scales: { x: labels ? { time: false, range: [-0.6, Math.max(0, x.length - 1) + 0.6] } : { time: true } },
			axes: [
				labels ? { splits: () => x, values: (u, splits) => splits.map((i) => labels[i] ?? '') } : {},
				{ label: yLabel || '', size: 56 },
			],
			series: [{ label: labels ? 'Item' : 'Day', value: labels ? (u, v) => (v === null ? '' : labels[v] ?? '') : undefined }]
				.concat(series.map((s, i) => ({
					label: s.label,
					stroke: s.colour,
					fill: bars ? s.colour : undefined,
					width: bars ? 0 : 2,
					paths: bars ? uPlot.paths.bars({ size: [stacked || n === 1 ? 0.6 : 0.35, 80], align: stacked || n === 1 ? 0 : (i === 0 ? -1 : 1) }) : undefined,
					points: { show: !bars },
				}))),
		};
		const plot = new uPlot(opts, [x, ...series.map((s) => s.values)], el);
		return () => plot.destroy();
	}, [JSON.stringify([x, series, labels, bars, stacked, yLabel])]);
	return html`<div class="report-chart" ref=${box} data-testid=${testid}></div>`;
}

function OpenReport({ query }) {
	const state = useReport('open', query);
	const rows = state.data ? state.data.data : [];
	const status = rows.filter((r) => r.dimension === 'status');
	return html`<${Section} name="open" title="Open tickets now" query=${query} state=${state}>
		<${Chart} testid="chart-open" x=${status.map((_, i) => i)} labels=${status.map((r) => r.label)}
			series=${[{ label: 'Open tickets', values: status.map((r) => r.count), colour: COLOURS.a }]} yLabel="tickets" />
		<table class="table report-table" data-testid="table-open">
			<thead><tr><th>By</th><th>Name</th><th class="num">Open</th></tr></thead>
			<tbody>${rows.map((r) => html`<tr key=${r.dimension + r.key}><td>${r.dimension}</td><td>${r.label}</td><td class="num">${r.count}</td></tr>`)}</tbody>
		</table>
	<//>`;
}

function VolumeReport({ query }) {
	const state = useReport('volume', query);
	const rows = state.data ? state.data.data : [];
	const period = (state.data && state.data.period) || 'day';
	const first = { day: 'Day', week: 'Week from', month: 'Month from' }[period] || 'Day';
	return html`<${Section} name="volume" title=${'Created and resolved per ' + period} query=${query} state=${state}>
		<${Chart} testid="chart-volume" bars=${false} x=${rows.map((r) => Date.parse(r.day + 'T12:00:00Z') / 1000)}
			series=${[{ label: 'Created', values: rows.map((r) => r.created), colour: COLOURS.a },
				{ label: 'Resolved', values: rows.map((r) => r.resolved), colour: COLOURS.green }]} yLabel="tickets" />
		<table class="table report-table" data-testid="table-volume">
			<thead><tr><th>${first}</th><th class="num">Created</th><th class="num">Resolved</th></tr></thead>
			<tbody>${rows.map((r) => html`<tr key=${r.day}><td>${r.day}</td><td class="num">${r.created}</td><td class="num">${r.resolved}</td></tr>`)}</tbody>
		</table>
	<//>`;
}

function TimesReport({ query }) {
	const state = useReport('times', query);
	const d = state.data;
	const lines = d ? [['First response', d.first_response], ['Resolution', d.resolution]] : [];
	const labels = [], calendar = [], business = [];
	for (const [name, m] of lines)
		for (const k of ['mean', 'median', 'p90']) {
			labels.push(`${name} ${k}`);
			calendar.push(hours(m.calendar[k]));
			business.push(hours(m.business[k]));
		}
	return html`<${Section} name="times" title="First-response and resolution times" query=${query} state=${state}>
		<${Chart} testid="chart-times" x=${labels.map((_, i) => i)} labels=${labels} yLabel="hours"
			series=${[{ label: 'Calendar hours', values: calendar, colour: COLOURS.a }, { label: 'Business hours', values: business, colour: COLOURS.b }]} />
		<table class="table report-table" data-testid="table-times">
			<thead><tr><th>Measure</th><th>Time</th><th class="num">Count</th><th class="num">Mean</th><th class="num">Median</th><th class="num">90th percentile</th></tr></thead>
			<tbody>${lines.flatMap(([name, m]) => ['calendar', 'business'].map((t) => html`<tr key=${name + t}>
				<td>${name}</td><td>${t === 'calendar' ? 'Calendar' : 'Business'}</td><td class="num">${m[t].count}</td>
				<td class="num">${formatDuration(m[t].mean)}</td><td class="num">${formatDuration(m[t].median)}</td><td class="num">${formatDuration(m[t].p90)}</td>
			</tr>`))}</tbody>
		</table>
	<//>`;
}

const LEVEL_NAMES = { response: 'Response to the customer', supplier: 'Supplier response to us', communication: 'Communication with the customer' };

function LightsReport({ query }) {
	const state = useReport('lights', query);
	const d = state.data;
	const levels = d ? d.levels : [];
	const pct = (v) => Number(v).toFixed(1) + '%';
	return html`<${Section} name="lights" title="Lights: stayed green, went amber, went red" query=${query} state=${state}>
		<${Chart} testid="chart-lights" stacked=${true} x=${levels.map((_, i) => i)} labels=${levels.map((l) => LEVEL_NAMES[l.name] || l.name)} yLabel="% of tickets"
			series=${[
		{ label: 'Green', values: levels.map((l) => l.green_pct + l.amber_pct + l.red_pct), colour: COLOURS.green },
		{ label: 'Amber', values: levels.map((l) => l.amber_pct + l.red_pct), colour: COLOURS.amber },
		{ label: 'Red', values: levels.map((l) => l.red_pct), colour: COLOURS.red }]} />
		${d && html`<p class="muted" data-testid="lights-tickets">${d.tickets} tickets created in the range.</p>`}
		<table class="table report-table" data-testid="table-lights">
			<thead><tr><th>Level</th><th class="num">Green</th><th class="num">Amber</th><th class="num">Red</th></tr></thead>
			<tbody>${levels.map((l) => html`<tr key=${l.level}><td>${LEVEL_NAMES[l.name] || l.name}</td>
				<td class="num">${l.green} (${pct(l.green_pct)})</td><td class="num">${l.amber} (${pct(l.amber_pct)})</td><td class="num">${l.red} (${pct(l.red_pct)})</td></tr>`)}</tbody>
		</table>
		${d && html`<div class="report-pair">
			<table class="table report-table" data-testid="table-breaches-agent">
				<thead><tr><th>Agent</th><th class="num">Reds</th></tr></thead>
				<tbody>${d.breaches_by_agent.length === 0 ? html`<tr><td colspan="2" class="muted">No reds in the range.</td></tr>`
		: d.breaches_by_agent.map((b) => html`<tr key=${'a' + b.id}><td>${b.name}</td><td class="num">${b.red}</td></tr>`)}</tbody>
			</table>
			<table class="table report-table" data-testid="table-breaches-team">
				<thead><tr><th>Team</th><th class="num">Reds</th></tr></thead>
				<tbody>${d.breaches_by_team.length === 0 ? html`<tr><td colspan="2" class="muted">No reds in the range.</td></tr>`
		: d.breaches_by_team.map((b) => html`<tr key=${'t' + b.id}><td>${b.name}</td><td class="num">${b.red}</td></tr>`)}</tbody>
			</table>
		</div>`}
	<//>`;
}

function SuppliersReport({ query }) {
	const state = useReport('suppliers', query);
	const rows = state.data ? state.data.data : [];
	return html`<${Section} name="suppliers" title="Supplier response times" query=${query} state=${state}>
		<${Chart} testid="chart-suppliers" x=${rows.map((_, i) => i)} labels=${rows.map((r) => r.supplier)} yLabel="hours"
			series=${[{ label: 'Median (calendar hours)', values: rows.map((r) => hours(r.calendar.median)), colour: COLOURS.a },
				{ label: '90th percentile (calendar hours)', values: rows.map((r) => hours(r.calendar.p90)), colour: COLOURS.b }]} />
		<table class="table report-table" data-testid="table-suppliers">
			<thead><tr><th>Supplier</th><th class="num">Answered</th><th class="num">Mean</th><th class="num">Median</th><th class="num">90th percentile</th>
				<th class="num">Business median</th><th class="num">Business 90th</th></tr></thead>
			<tbody>${rows.length === 0 ? html`<tr><td colspan="7" class="muted">No supplier answered in the range.</td></tr>`
		: rows.map((r) => html`<tr key=${r.supplier_id}><td>${r.supplier}</td><td class="num">${r.calendar.count}</td>
				<td class="num">${formatDuration(r.calendar.mean)}</td><td class="num">${formatDuration(r.calendar.median)}</td><td class="num">${formatDuration(r.calendar.p90)}</td>
				<td class="num">${formatDuration(r.business.median)}</td><td class="num">${formatDuration(r.business.p90)}</td></tr>`)}</tbody>
		</table>
	<//>`;
}

function AgentsReport({ query }) {
	const state = useReport('agents', query);
	const rows = state.data ? state.data.data : [];
	return html`<${Section} name="agents" title="Per agent" query=${query} state=${state}>
		<${Chart} testid="chart-agents" x=${rows.map((_, i) => i)} labels=${rows.map((r) => r.name)} yLabel="count"
			series=${[{ label: 'Tickets handled', values: rows.map((r) => r.tickets_handled), colour: COLOURS.a },
				{ label: 'Public replies', values: rows.map((r) => r.public_replies), colour: COLOURS.b }]} />
		<table class="table report-table" data-testid="table-agents">
			<thead><tr><th>Agent</th><th class="num">Tickets handled</th><th class="num">Public replies</th><th class="num">First responses</th>
				<th class="num">Median first response</th><th class="num">Business median</th><th class="num">Reds</th></tr></thead>
			<tbody>${rows.map((r) => html`<tr key=${r.id}><td>${r.name}</td><td class="num">${r.tickets_handled}</td><td class="num">${r.public_replies}</td>
				<td class="num">${r.first_responses}</td><td class="num">${formatDuration(r.median_first_response)}</td>
				<td class="num">${formatDuration(r.median_first_response_business)}</td><td class="num">${r.breaches}</td></tr>`)}</tbody>
		</table>
	<//>`;
}
