// The admin console (tenant admins only): the settings index and the
// service-level settings, i.e. the business calendar the clocks run on and,
// per priority and level, when a light turns amber and red.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, ErrorBox, Loading, Time, PRIORITIES, capitalize } from './ui.js';
import { LEVELS } from './lights.js';
import { AgentSettings, CategorySettings, TeamSettings } from './routing_settings.js';
import { RuleSettings } from './rule_settings.js';

const DAYS = [
	['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'],
	['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday'],
];
const DAY_NAMES = Object.fromEntries(DAYS);
const MAX_MINUTES = 525600;

export function Settings({ user, path }) {
	if (user.role !== 'admin') {
		return html`<section class="panel" data-testid="settings-forbidden">
			<h1>Settings</h1>
			<p>Only administrators can change the settings.</p>
			<p><a href="#/">Back to the queue</a></p>
		</section>`;
	}
	if (path === '/settings/service-levels') return html`<${ServiceLevelSettings} />`;
	if (path === '/settings/pipelines') return html`<${PipelineSettings} />`;
	if (path === '/settings/audit') return html`<${AuditLog} />`;
	if (path === '/settings/teams') return html`<${TeamSettings} />`;
	if (path === '/settings/skills') return html`<${AgentSettings} />`;
	if (path === '/settings/categories') return html`<${CategorySettings} />`;
	if (path === '/settings/rules') return html`<${RuleSettings} />`;
	return html`<section class="settings-index" data-testid="settings-index">
		<div class="page-head"><h1>Settings</h1></div>
		<ul class="settings-links">
			<li class="panel">
				<a href="#/settings/service-levels" data-testid="settings-service-levels-link">Service levels</a>
				<p class="muted">Business hours and holidays the clocks run on, and when a ticket's lights turn amber and red.</p>
			</li>
			<li class="panel">
				<a href="#/settings/pipelines" data-testid="settings-pipelines-link">Pipelines</a>
				<p class="muted">The statuses a ticket moves through, their names for staff and customers, and how new tickets are handed out.</p>
			</li>
			<li class="panel">
				<a href="#/settings/teams" data-testid="settings-teams-link">Teams</a>
				<p class="muted">Who works together, and which pipelines each team works.</p>
			</li>
			<li class="panel">
				<a href="#/settings/skills" data-testid="settings-skills-link">Skills and capacity</a>
				<p class="muted">Each person's skills with their levels, and how many open tickets they take at once.</p>
			</li>
			<li class="panel">
				<a href="#/settings/categories" data-testid="settings-categories-link">Categories</a>
				<p class="muted">What tickets are about: the pipeline, team and skill each kind of ticket goes to.</p>
			</li>
			<li class="panel">
				<a href="#/settings/rules" data-testid="settings-rules-link">Rules</a>
				<p class="muted">What happens by itself when tickets are created, change or wait.</p>
			</li>
			<li class="panel">
				<a href="#/settings/audit" data-testid="settings-audit-link">Audit log</a>
				<p class="muted">Sign-ins and administrative changes, newest first.</p>
			</li>
		</ul>
	</section>`;
}

/* ---------- between the API's shape and the form's ---------- */

function fromServer(data) {
	const cal = (data && data.calendar) || {};
	const week = {};
	for (const [key] of DAYS) {
		const spans = (cal.week && Array.isArray(cal.week[key])) ? cal.week[key] : [];
		week[key] = spans.map((s) => ({ from: String((s && s[0]) || ''), to: String((s && s[1]) || '') }));
	}
	const holidays = (Array.isArray(cal.holidays) ? cal.holidays : []).map((h) => ({
		date: (h && h.date) || '', from: (h && h.from) || '', to: (h && h.to) || '',
	}));
	const list = (data && Array.isArray(data.thresholds)) ? data.thresholds : [];
	const thresholds = [];
	for (const priority of PRIORITIES) {
		for (const lv of LEVELS) {
			const t = list.find((x) => x && x.priority === priority && x.level === lv.level);
			thresholds.push({
				priority,
				level: lv.level,
				enabled: t ? t.enabled !== false : true,
				amber: t ? String(t.amber_minutes) : '',
				red: t ? String(t.red_minutes) : '',
			});
		}
	}
	return { timeZone: cal.time_zone || '', week, holidays, thresholds };
}

function thresholdName(t) {
	const lv = LEVELS.find((l) => l.level === t.level);
	return capitalize(t.priority) + ' priority, level ' + t.level + (lv ? ' (' + lv.label + ')' : '');
}

/** The PUT body, or the problems that keep it from being sent. */
function toServer(form) {
	const problems = [];
	const week = {};
	for (const [key] of DAYS) {
		if (form.week[key].length > 0) week[key] = form.week[key].map((s) => [s.from.trim(), s.to.trim()]);
	}
	const holidays = form.holidays.map((h) => {
		const out = { date: h.date.trim() };
		if (h.from.trim()) out.from = h.from.trim();
		if (h.to.trim()) out.to = h.to.trim();
		return out;
	});
	const whole = (s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : null);
	const thresholds = form.thresholds.map((t, i) => {
		const amber = whole(t.amber);
		const red = whole(t.red);
		if (amber === null || red === null || amber < 1 || red < 1 || amber > MAX_MINUTES || red > MAX_MINUTES) {
			problems.push({ key: 'th:' + i, where: thresholdName(t), text: 'amber and red must be whole minutes from 1 to ' + MAX_MINUTES });
		} else if (amber >= red) {
			problems.push({ key: 'th:' + i, where: thresholdName(t), text: 'amber must come before red (fewer minutes)' });
		}
		return { priority: t.priority, level: t.level, enabled: t.enabled, amber_minutes: amber, red_minutes: red };
	});
	return {
		body: { calendar: { time_zone: form.timeZone.trim(), week, holidays }, thresholds },
		problems,
	};
}

/** A server's 422 message turned into {key, where, text} for the form. */
function explain(err, form) {
	const msg = String(err.message || err.code || 'invalid');
	const pointer = String(err.pointer || '');
	const th = /^\/?thresholds\/(\d+)/.exec(pointer);
	if (th) {
		const t = form.thresholds[Number(th[1])];
		return { key: 'th:' + th[1], where: t ? thresholdName(t) : 'Thresholds', text: msg };
	}
	const m = /^calendar: (\/[^\s:]*): (.*)$/.exec(msg);
	if (m) {
		const parts = m[1].split('/').filter(Boolean);
		const text = m[2];
		if (parts[0] === 'time_zone') return { key: 'tz', where: 'Time zone', text };
		if (parts[0] === 'week' && DAY_NAMES[parts[1]]) {
			const span = parts[2] !== undefined ? ', hours ' + (Number(parts[2]) + 1) : '';
			return { key: 'week:' + parts[1], where: DAY_NAMES[parts[1]] + span, text };
		}
		if (parts[0] === 'week') return { key: 'week', where: 'Opening hours', text };
		if (parts[0] === 'holidays' && parts[1] !== undefined) {
			const h = form.holidays[Number(parts[1])];
			return { key: 'holiday:' + parts[1], where: 'Holiday ' + (Number(parts[1]) + 1) + (h && h.date ? ' (' + h.date + ')' : ''), text };
		}
		if (parts[0] === 'holidays') return { key: 'holidays', where: 'Holidays', text };
		return { key: 'calendar', where: 'Calendar', text };
	}
	const cal = /^calendar: (.*)$/.exec(msg);
	if (cal) {
		const text = cal[1];
		if (/time zone/.test(text)) return { key: 'tz', where: 'Time zone', text };
		if (/open hours|week/.test(text)) return { key: 'week', where: 'Opening hours', text };
		if (/holiday/.test(text)) return { key: 'holidays', where: 'Holidays', text };
		return { key: 'calendar', where: 'Calendar', text };
	}
	return { key: pointer || 'form', where: null, text: msg };
}

/* ---------- the page ---------- */

function ServiceLevelSettings() {
	const [saved, setSaved] = useState(null); // the form as last loaded or saved
	const [form, setForm] = useState(null);
	const [loadError, setLoadError] = useState(null);
	const [problems, setProblems] = useState(null); // {title, items:[{key, where, text}]}
	const [notice, setNotice] = useState(null);
	const [busy, setBusy] = useState(false);

	const load = useCallback(async () => {
		setLoadError(null);
		try {
			const r = await api.get('/admin/lights');
			const f = fromServer(r.data);
			setSaved(f);
			setForm(f);
			setProblems(null);
		} catch (e) {
			setLoadError(e);
		}
	}, []);
	useEffect(() => { load(); }, [load]);

	const dirty = useMemo(() => form && saved && JSON.stringify(form) !== JSON.stringify(saved), [form, saved]);
	const bad = useMemo(() => new Set(((problems && problems.items) || []).map((p) => p.key)), [problems]);

	const edit = (fn) => {
		setNotice(null);
		setForm((f) => {
			const copy = structuredClone(f);
			fn(copy);
			return copy;
		});
	};

	async function save(ev) {
		ev.preventDefault();
		if (busy || !form) return;
		const { body, problems: local } = toServer(form);
		setNotice(null);
		if (local.length > 0) {
			setProblems({ title: 'Nothing was saved. Please correct:', items: local });
			return;
		}
		setBusy(true);
		setProblems(null);
		try {
			const r = await api.put('/admin/lights', body);
			const f = fromServer(r.data);
			setSaved(f);
			setForm(f);
			setNotice('Saved. Open tickets now follow the new settings.');
		} catch (e) {
			if (e.status === 422) {
				const items = (e.errors.length > 0 ? e.errors : [{ message: e.detail }]).map((x) => explain(x, form));
				setProblems({ title: 'The server did not accept these settings, so nothing was saved:', items });
			} else {
				setProblems({ title: 'Nothing was saved.', items: [{ key: 'form', where: null, text: e.detail || e.message }] });
			}
		} finally {
			setBusy(false);
		}
	}

	function discard() {
		setForm(saved);
		setProblems(null);
		setNotice(null);
	}

	if (loadError && !form) {
		return html`<section class="panel">
			<p class="crumbs"><a href="#/settings">← Settings</a></p>
			<${ErrorBox} error=${loadError} testid="page-error" />
			<button class="btn" onClick=${load}>Try again</button>
		</section>`;
	}
	if (!form) return html`<${Loading} />`;

	return html`<form class="settings" onSubmit=${save} novalidate data-testid="service-level-settings">
		<p class="crumbs"><a href="#/settings" data-testid="back-to-settings">← Settings</a></p>
		<div class="page-head">
			<h1>Service levels</h1>
		</div>
		<p class="settings-intro muted">Clocks run only during the business hours below, in the calendar's time zone.
			A light turns amber, then red, after the given number of business minutes.</p>

		<section class="panel">
			<h2 class="panel-title">Business calendar</h2>
			<label class=${'field field-narrow' + (bad.has('tz') ? ' is-invalid' : '')}>
				<span>Time zone</span>
				<input type="text" list="time-zones" autocomplete="off" spellcheck="false" data-testid="settings-time-zone"
					placeholder="Europe/London" value=${form.timeZone}
					onInput=${(e) => { const v = e.currentTarget.value; edit((f) => { f.timeZone = v; }); }} />
				<${TimeZoneList} />
			</label>

			<h3 class="settings-sub">Opening hours</h3>
			<table class=${'table week-table' + (bad.has('week') ? ' is-invalid' : '')} data-testid="settings-week">
				<tbody>
					${DAYS.map(([key, name]) => html`<${DayRow} key=${key} day=${key} name=${name} spans=${form.week[key]}
						invalid=${bad.has('week:' + key)} edit=${edit} />`)}
				</tbody>
			</table>

			<h3 class="settings-sub">Holidays</h3>
			<p class="muted settings-hint">Leave the hours empty for a whole day; give them (24:00 is the end of the day) for part of one.</p>
			${form.holidays.length === 0
				? html`<p class="muted" data-testid="holidays-empty">No holidays.</p>`
				: html`<table class=${'table holiday-table' + (bad.has('holidays') ? ' is-invalid' : '')} data-testid="settings-holidays">
					<thead><tr><th>Date</th><th>Closed from</th><th>Closed until</th><th><span class="sr-only">Remove</span></th></tr></thead>
					<tbody>
						${form.holidays.map((h, i) => html`<tr key=${i} class=${bad.has('holiday:' + i) ? 'is-invalid' : ''} data-testid=${'holiday-' + i}>
							<td><input type="date" aria-label=${'Holiday ' + (i + 1) + ' date'} data-testid=${'holiday-' + i + '-date'} value=${h.date}
								onInput=${(e) => { const v = e.currentTarget.value; edit((f) => { f.holidays[i].date = v; }); }} /></td>
							<td><input type="text" class="input-time" maxlength="5" placeholder="00:00" aria-label=${'Holiday ' + (i + 1) + ' closed from'}
								data-testid=${'holiday-' + i + '-from'} value=${h.from}
								onInput=${(e) => { const v = e.currentTarget.value; edit((f) => { f.holidays[i].from = v; }); }} /></td>
							<td><input type="text" class="input-time" maxlength="5" placeholder="24:00" aria-label=${'Holiday ' + (i + 1) + ' closed until'}
								data-testid=${'holiday-' + i + '-to'} value=${h.to}
								onInput=${(e) => { const v = e.currentTarget.value; edit((f) => { f.holidays[i].to = v; }); }} /></td>
							<td><button type="button" class="btn btn-small" data-testid=${'holiday-' + i + '-remove'}
								onClick=${() => edit((f) => { f.holidays.splice(i, 1); })}>Remove</button></td>
						</tr>`)}
					</tbody>
				</table>`}
			<p><button type="button" class="btn btn-small" data-testid="add-holiday"
				onClick=${() => edit((f) => { f.holidays.push({ date: '', from: '', to: '' }); })}>Add holiday</button></p>
		</section>

		<section class="panel">
			<h2 class="panel-title">Thresholds (business minutes)</h2>
			<table class="table threshold-table" data-testid="settings-thresholds">
				<thead><tr>
					<th scope="col">Priority</th>
					${LEVELS.map((lv) => html`<th key=${lv.level} scope="col"><span class="sl-level">${lv.level}</span> ${lv.label}</th>`)}
				</tr></thead>
				<tbody>
					${PRIORITIES.map((p) => html`<tr key=${p}>
						<th scope="row">${capitalize(p)}</th>
						${LEVELS.map((lv) => {
							const i = form.thresholds.findIndex((t) => t.priority === p && t.level === lv.level);
							return html`<${ThresholdCell} key=${lv.level} index=${i} t=${form.thresholds[i]} invalid=${bad.has('th:' + i)} edit=${edit} />`;
						})}
					</tr>`)}
				</tbody>
			</table>
		</section>

		${problems && html`<div class="alert alert-error" role="alert" data-testid="settings-errors">
			<p>${problems.title}</p>
			<ul>${problems.items.map((p, i) => html`<li key=${i} data-testid="settings-error-item">
				${p.where && html`<strong>${p.where}: </strong>`}${p.text}</li>`)}</ul>
		</div>`}
		${notice && html`<div class="alert alert-success" role="status" data-testid="settings-saved">${notice}</div>`}
		<div class="form-actions settings-actions">
			${dirty && html`<span class="muted settings-dirty" data-testid="settings-dirty">Unsaved changes</span>`}
			<button type="button" class="btn" disabled=${busy || !dirty} onClick=${discard} data-testid="settings-discard">Discard changes</button>
			<button type="submit" class="btn btn-primary" disabled=${busy} data-testid="settings-save">${busy ? 'Saving…' : 'Save'}</button>
		</div>
	</form>`;
}

function DayRow({ day, name, spans, invalid, edit }) {
	const setSpan = (i, end) => (e) => {
		const v = e.currentTarget.value;
		edit((f) => { f.week[day][i][end] = v; });
	};
	return html`<tr class=${invalid ? 'is-invalid' : ''} data-testid=${'day-' + day}>
		<th scope="row" class="day-name">${name}</th>
		<td class="day-spans"><div class="day-spans-list">
			${spans.length === 0 && html`<span class="muted" data-testid=${'day-' + day + '-closed'}>Closed</span>`}
			${spans.map((s, i) => html`<span key=${i} class="span-edit">
				<input type="text" class="input-time" maxlength="5" placeholder="09:00" aria-label=${name + ' hours ' + (i + 1) + ' from'}
					data-testid=${'span-' + day + '-' + i + '-from'} value=${s.from} onInput=${setSpan(i, 'from')} />
				<span aria-hidden="true">–</span>
				<input type="text" class="input-time" maxlength="5" placeholder="17:30" aria-label=${name + ' hours ' + (i + 1) + ' until'}
					data-testid=${'span-' + day + '-' + i + '-to'} value=${s.to} onInput=${setSpan(i, 'to')} />
				<button type="button" class="btn-close" aria-label=${'Remove ' + name + ' hours ' + (i + 1)}
					data-testid=${'span-' + day + '-' + i + '-remove'} onClick=${() => edit((f) => { f.week[day].splice(i, 1); })}>×</button>
			</span>`)}
		</div></td>
		<td class="day-add">
			<button type="button" class="btn btn-small" data-testid=${'add-span-' + day} aria-label=${'Add hours on ' + name}
				onClick=${() => edit((f) => {
					const list = f.week[day];
					const last = list[list.length - 1];
					list.push(last ? { from: '', to: '' } : { from: '09:00', to: '17:30' });
				})}>Add hours</button>
		</td>
	</tr>`;
}

function ThresholdCell({ index, t, invalid, edit }) {
	if (!t) return html`<td></td>`;
	const id = 'threshold-' + t.priority + '-' + t.level;
	const set = (name) => (e) => {
		const v = name === 'enabled' ? e.currentTarget.checked : e.currentTarget.value;
		edit((f) => { f.thresholds[index][name] = v; });
	};
	const label = capitalize(t.priority) + ' level ' + t.level;
	return html`<td class=${'threshold-cell' + (t.enabled ? '' : ' is-disabled') + (invalid ? ' is-invalid' : '')} data-testid=${id}>
		<label class="threshold-on">
			<input type="checkbox" checked=${t.enabled} onChange=${set('enabled')} data-testid=${id + '-enabled'} />
			<span>${t.enabled ? 'On' : 'Off'}</span>
		</label>
		<label class="threshold-min threshold-amber">
			<span>Amber</span>
			<input type="number" min="1" max=${MAX_MINUTES} step="1" inputmode="numeric" aria-label=${label + ' amber minutes'}
				data-testid=${id + '-amber'} value=${t.amber} onInput=${set('amber')} />
			<span class="muted">${minutesHint(t.amber)}</span>
		</label>
		<label class="threshold-min threshold-red">
			<span>Red</span>
			<input type="number" min="1" max=${MAX_MINUTES} step="1" inputmode="numeric" aria-label=${label + ' red minutes'}
				data-testid=${id + '-red'} value=${t.red} onInput=${set('red')} />
			<span class="muted">${minutesHint(t.red)}</span>
		</label>
	</td>`;
}

/** "90" → "1 h 30 min"; empty for anything that is not a whole number. */
function minutesHint(value) {
	if (!/^\s*\d+\s*$/.test(value)) return '';
	const n = Number(value);
	if (n < 60) return n + ' min';
	const h = Math.floor(n / 60);
	const m = n % 60;
	return h + ' h' + (m ? ' ' + m + ' min' : '');
}

let zoneOptions = null;
function TimeZoneList() {
	if (zoneOptions === null) {
		try {
			zoneOptions = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
		} catch (e) {
			zoneOptions = [];
		}
	}
	return html`<datalist id="time-zones">${zoneOptions.map((z) => html`<option key=${z} value=${z} />`)}</datalist>`;
}

/* ---------- pipelines ---------- */

const CATEGORIES = ['new', 'active', 'waiting_customer', 'waiting_supplier', 'deferred', 'resolved', 'closed'];
const CLOCKS = [['response', 'Response'], ['supplier', 'Supplier'], ['communication', 'Communication']];
const INTAKES = [['manual', 'Manual (new tickets wait unassigned)'], ['router', 'Router (assigned automatically)'],
	['triage', 'Triage (the manager hands them out)']];

function pipelineForm(p) {
	return {
		id: p.id,
		name: p.name || '',
		intake: p.intake || 'manual',
		reopen_days: String(p.reopen_days === undefined ? 14 : p.reopen_days),
		team: p.team_id ? String(p.team_id) : '',
		statuses: (p.statuses || []).map((st) => ({
			key: st.key,
			staff_name: st.staff_name || '',
			customer_name: st.customer_name || '',
			category: st.category || 'active',
			color: st.color || '#64748b',
			clocks: Array.isArray(st.clocks) ? st.clocks.slice() : [],
			entry: !!st.entry,
			require_note: !!st.require_note,
			transitions: Array.isArray(st.transitions) ? st.transitions.slice() : [],
			tickets: st.tickets || 0,
			isNew: false,
		})),
		removed: [], // [{key, name, tickets, target}]: statuses with tickets, waiting for a mapping
	};
}

function pipelineBody(form) {
	const days = form.reopen_days.trim();
	const body = {
		name: form.name,
		intake: form.intake,
		reopen_days: /^\d+$/.test(days) ? Number(days) : days,
		team_id: form.team ? Number(form.team) : null,
		statuses: form.statuses.map((st) => ({
			key: st.key.trim(),
			staff_name: st.staff_name,
			customer_name: st.customer_name,
			category: st.category,
			color: st.color,
			clocks: CLOCKS.map(([c]) => c).filter((c) => st.clocks.includes(c)),
			entry: st.entry,
			require_note: st.require_note,
			transitions: st.transitions.filter((k) => k !== st.key),
		})),
	};
	if (form.removed.length > 0) body.mapping = Object.fromEntries(form.removed.map((r) => [r.key, r.target]));
	return body;
}

// What a new pipeline starts with; the admin shapes it from there.
const STARTER_STATUSES = [
	{ key: 'new', staff_name: 'New', customer_name: 'Received', category: 'new', color: '#64748b',
		clocks: ['response', 'supplier', 'communication'], entry: true, require_note: false, transitions: ['in_progress', 'done'] },
	{ key: 'in_progress', staff_name: 'In progress', customer_name: 'Being worked on', category: 'active', color: '#2563eb',
		clocks: ['response', 'supplier', 'communication'], entry: false, require_note: false, transitions: ['done'] },
	{ key: 'done', staff_name: 'Done', customer_name: 'Done', category: 'resolved', color: '#16a34a',
		clocks: [], entry: false, require_note: false, transitions: ['in_progress'] },
];

/** The form that adds a pipeline: a key and a name; the statuses start from STARTER_STATUSES. */
function NewPipeline({ onCreated }) {
	const [key, setKey] = useState('');
	const [name, setName] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	async function submit(ev) {
		ev.preventDefault();
		if (busy) return;
		setBusy(true);
		setError(null);
		try {
			const r = await api.post('/admin/pipelines', { key: key.trim(), name: name.trim(), statuses: STARTER_STATUSES });
			setKey('');
			setName('');
			onCreated(r.data.id);
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}
	const msg = (pointer) => ((error && error.errors) || []).filter((x) => x.pointer === pointer).map((x) => x.message || x.code).join('; ');
	return html`<form class="panel pipeline-new" onSubmit=${submit} novalidate data-testid="pipeline-new">
		<h2 class="panel-title">New pipeline</h2>
		<div class="pipeline-head">
			<label class=${'field' + (msg('/key') ? ' is-invalid' : '')}><span>Key</span>
				<input type="text" maxlength="40" data-testid="pipeline-new-key" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} placeholder="returns" />
				${msg('/key') && html`<p class="field-error" data-testid="pipeline-new-error">${msg('/key')}</p>`}</label>
			<label class=${'field' + (msg('/name') ? ' is-invalid' : '')}><span>Name</span>
				<input type="text" maxlength="60" data-testid="pipeline-new-name" value=${name} onInput=${(e) => setName(e.currentTarget.value)} placeholder="Returns" />
				${msg('/name') && html`<p class="field-error" data-testid="pipeline-new-error">${msg('/name')}</p>`}</label>
		</div>
		${error && !(error.errors || []).some((x) => x.pointer === '/key' || x.pointer === '/name') &&
			html`<${ErrorBox} error=${error} testid="pipeline-new-error" />`}
		<p><button type="submit" class="btn btn-small" disabled=${busy} data-testid="pipeline-new-submit">${busy ? 'Adding…' : 'Add pipeline'}</button></p>
	</form>`;
}

function PipelineSettings() {
	const [all, setAll] = useState([]);
	const [teams, setTeams] = useState([]);
	const [chosen, setChosen] = useState(null); // the id being edited; null: the default
	const [saved, setSaved] = useState(null);
	const [form, setForm] = useState(null);
	const [loadError, setLoadError] = useState(null);
	const [error, setError] = useState(null); // the last failed save
	const [notice, setNotice] = useState(null);
	const [busy, setBusy] = useState(false);

	const load = useCallback(async () => {
		setLoadError(null);
		setError(null);
		try {
			const r = await api.get('/admin/pipelines');
			const list = (r.data && r.data.data) || [];
			setAll(list.map((x) => ({ id: x.id, key: x.key, name: x.name, default: x.default })));
			api.get('/admin/teams').then((t) => setTeams((t.data && t.data.data) || [])).catch(() => {});
			const p = list.find((x) => x.id === chosen) || list.find((x) => x.default) || list[0];
			const f = p ? pipelineForm(p) : null;
			setSaved(f);
			setForm(f);
			if (!p) setLoadError(new api.ApiError(404, { detail: 'This organisation has no pipeline.' }));
		} catch (e) {
			setLoadError(e);
		}
	}, [chosen]);
	useEffect(() => { load(); }, [load]);

	const dirty = useMemo(() => form && saved && JSON.stringify(form) !== JSON.stringify(saved), [form, saved]);

	const edit = (fn) => {
		setNotice(null);
		setForm((f) => {
			const copy = structuredClone(f);
			fn(copy);
			return copy;
		});
	};

	function addStatus() {
		edit((f) => {
			let n = f.statuses.length + 1;
			while (f.statuses.some((x) => x.key === 'status_' + n)) n++;
			f.statuses.push({
				key: 'status_' + n, staff_name: '', customer_name: '', category: 'active', color: '#64748b',
				clocks: ['response', 'supplier', 'communication'], entry: false, require_note: false, transitions: [],
				tickets: 0, isNew: true,
			});
		});
	}

	function removeStatus(i) {
		edit((f) => {
			const [gone] = f.statuses.splice(i, 1);
			for (const st of f.statuses) st.transitions = st.transitions.filter((k) => k !== gone.key);
			if (!gone.isNew && gone.tickets > 0) {
				f.removed.push({ key: gone.key, name: gone.staff_name || gone.key, tickets: gone.tickets, target: f.statuses[0] ? f.statuses[0].key : '' });
			}
		});
		setError(null);
	}

	async function save(ev) {
		ev.preventDefault();
		if (busy || !form) return;
		setBusy(true);
		setError(null);
		setNotice(null);
		try {
			const r = await api.put('/admin/pipelines/' + form.id, pipelineBody(form));
			const moved = (r.data && r.data.moved_tickets) || 0;
			const again = await api.get('/admin/pipelines');
			const p = ((again.data && again.data.data) || []).find((x) => x.id === form.id);
			const f = p ? pipelineForm(p) : form;
			setSaved(f);
			setForm(f);
			setNotice('Saved.' + (moved ? ' ' + moved + (moved === 1 ? ' ticket was' : ' tickets were') + ' moved.' : ''));
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}

	if (loadError && !form) {
		return html`<section class="panel">
			<p class="crumbs"><a href="#/settings">← Settings</a></p>
			<${ErrorBox} error=${loadError} testid="page-error" />
			<button class="btn" onClick=${load}>Try again</button>
		</section>`;
	}
	if (!form) return html`<${Loading} />`;

	// 422 messages go next to the row (or mapping) their pointer names; the rest above the buttons.
	const errs = (error && error.errors) || [];
	const rowErrors = (i) => errs.filter((x) => new RegExp('^/statuses/' + i + '(/|$)').test(x.pointer || ''));
	const mappingError = (key) => errs.filter((x) => x.pointer === '/mapping/' + key);
	const placed = (x) => /^\/statuses\/\d+(\/|$)/.test(x.pointer || '') || (x.pointer || '').startsWith('/mapping/') ||
		x.pointer === '/name' || x.pointer === '/intake' || x.pointer === '/team_id' || x.pointer === '/reopen_days';
	const general = error ? (errs.length ? errs.filter((x) => !placed(x)) : [{ message: error.detail || error.message }]) : [];
	const fieldMsg = (pointer) => errs.filter((x) => x.pointer === pointer).map((x) => x.message || x.code).join('; ');
	const keys = form.statuses.map((st) => st.key);
	const names = Object.fromEntries(form.statuses.map((st) => [st.key, st.staff_name || st.key]));

	return html`<div class="settings-page"><form class="settings" onSubmit=${save} novalidate data-testid="pipeline-settings">
		<p class="crumbs"><a href="#/settings" data-testid="back-to-settings">← Settings</a></p>
		<div class="page-head"><h1>Pipeline</h1>
			${all.length > 1 && html`<label class="field field-inline"><span>Pipeline</span>
				<select data-testid="pipeline-choose" value=${String(form.id)}
					onChange=${(e) => { setNotice(null); setChosen(Number(e.currentTarget.value)); }}>
					${all.map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}${p.default ? ' (default)' : ''}</option>`)}
				</select></label>`}</div>
		<p class="settings-intro muted">The statuses of a pipeline. Staff see the staff name, customers the customer name;
			a ticket moves only along the allowed moves.</p>
		<section class="panel">
			<div class="pipeline-head">
				<label class=${'field' + (fieldMsg('/name') ? ' is-invalid' : '')}>
					<span>Name</span>
					<input type="text" data-testid="pipeline-name" value=${form.name}
						onInput=${(e) => { const v = e.currentTarget.value; edit((f) => { f.name = v; }); }} />
					${fieldMsg('/name') && html`<p class="field-error">${fieldMsg('/name')}</p>`}
				</label>
				<label class=${'field' + (fieldMsg('/intake') ? ' is-invalid' : '')}>
					<span>New tickets</span>
					<select data-testid="pipeline-intake" value=${form.intake}
						onChange=${(e) => { const v = e.currentTarget.value; edit((f) => { f.intake = v; }); }}>
						${INTAKES.map(([k, label]) => html`<option key=${k} value=${k}>${label}</option>`)}
					</select>
					${fieldMsg('/intake') && html`<p class="field-error">${fieldMsg('/intake')}</p>`}
				</label>
				<label class=${'field' + (fieldMsg('/team_id') ? ' is-invalid' : '')}>
					<span>Team</span>
					<select data-testid="pipeline-team" value=${form.team}
						onChange=${(e) => { const v = e.currentTarget.value; edit((f) => { f.team = v; }); }}>
						<option value="">Every agent</option>
						${teams.map((t) => html`<option key=${t.id} value=${String(t.id)}>${t.name}</option>`)}
					</select>
					${fieldMsg('/team_id') && html`<p class="field-error">${fieldMsg('/team_id')}</p>`}
				</label>
				<label class=${'field' + (fieldMsg('/reopen_days') ? ' is-invalid' : '')}>
					<span>Reopen window (days)</span>
					<input type="text" inputmode="numeric" class="input-narrow" data-testid="pipeline-reopen-days" value=${form.reopen_days}
						onInput=${(e) => { const v = e.currentTarget.value; edit((f) => { f.reopen_days = v; }); }} />
					${fieldMsg('/reopen_days') && html`<p class="field-error" data-testid="pipeline-reopen-error">${fieldMsg('/reopen_days')}</p>`}
				</label>
			</div>
			<div class="table-scroll"><table class="table pipeline-table" data-testid="pipeline-statuses">
				<thead><tr>
					<th>Staff name (key)</th><th>Customer name</th><th>Category</th><th>Colour</th>
					<th>Options</th><th>Clocks</th><th>Allowed moves</th><th>Tickets</th><th><span class="sr-only">Remove</span></th>
				</tr></thead>
				${form.statuses.map((st, i) => html`<${StatusRow} key=${st.isNew ? 'new:' + i : st.key} st=${st} i=${i} keys=${keys} names=${names}
					errors=${rowErrors(i)} edit=${edit} onRemove=${() => removeStatus(i)} />`)}
			</table></div>
			<p><button type="button" class="btn btn-small" data-testid="pipeline-add-status" onClick=${addStatus}>Add status</button></p>
		</section>

		${form.removed.length > 0 && html`<section class="panel" data-testid="pipeline-mapping">
			<h2 class="panel-title">Removed statuses that still have tickets</h2>
			${form.removed.map((r, j) => html`<div key=${r.key} class="status-mapping" data-testid=${'mapping-' + r.key}>
				<label class="field field-inline">
					<span>${r.tickets} ${r.tickets === 1 ? 'ticket is' : 'tickets are'} in ${r.name}: move them to</span>
					<select data-testid=${'mapping-' + r.key + '-target'} value=${r.target}
						onChange=${(e) => { const v = e.currentTarget.value; edit((f) => { f.removed[j].target = v; }); }}>
						${form.statuses.map((st) => html`<option key=${st.key} value=${st.key}>${st.staff_name || st.key}</option>`)}
					</select>
				</label>
				${mappingError(r.key).map((x, k) => html`<p key=${k} class="field-error" data-testid="pipeline-row-error">${x.message || x.code}</p>`)}
			</div>`)}
		</section>`}

		${general.length > 0 && html`<div class="alert alert-error" role="alert" data-testid="settings-errors">
			<p>Nothing was saved.</p>
			<ul>${general.map((x, i) => html`<li key=${i} data-testid="settings-error-item">${x.message || x.code}</li>`)}</ul>
		</div>`}
		${error && general.length === 0 && html`<div class="alert alert-error" role="alert" data-testid="settings-errors">
			<p>Nothing was saved: please correct the marked statuses.</p></div>`}
		${notice && html`<div class="alert alert-success" role="status" data-testid="settings-saved">${notice}</div>`}
		<div class="form-actions settings-actions">
			${dirty && html`<span class="muted settings-dirty" data-testid="settings-dirty">Unsaved changes</span>`}
			<button type="button" class="btn" disabled=${busy || !dirty} data-testid="settings-discard"
				onClick=${() => { setForm(saved); setError(null); setNotice(null); }}>Discard changes</button>
			<button type="submit" class="btn btn-primary" disabled=${busy} data-testid="settings-save">${busy ? 'Saving…' : 'Save'}</button>
		</div>
	</form>
	<${NewPipeline} onCreated=${(id) => { setNotice(null); setChosen(id); }} /></div>`;
}

function StatusRow({ st, i, keys, names, errors, edit, onRemove }) {
	const id = 'status-' + i;
	const set = (name) => (e) => {
		const t = e.currentTarget;
		const v = t.type === 'checkbox' ? t.checked : t.value;
		edit((f) => { f.statuses[i][name] = v; });
	};
	const toggleIn = (list, value) => (e) => {
		const on = e.currentTarget.checked;
		edit((f) => {
			const arr = f.statuses[i][list].filter((x) => x !== value);
			if (on) arr.push(value);
			f.statuses[i][list] = arr;
		});
	};
	const bad = errors.length > 0;
	const label = st.staff_name || st.key;
	return html`<tbody data-testid=${id} data-key=${st.key}>
		<tr class=${bad ? 'is-invalid' : ''}>
			<td><input type="text" aria-label=${label + ' staff name'} data-testid=${id + '-staff-name'} value=${st.staff_name} onInput=${set('staff_name')} />
				${st.isNew
					? html`<label class="pipeline-key"><span class="muted">Key </span><input type="text" maxlength="40" aria-label="Key"
						data-testid=${id + '-key'} value=${st.key} onInput=${set('key')} /></label>`
					: html`<code class="pipeline-key" data-testid=${id + '-key'}>${st.key}</code>`}</td>
			<td><input type="text" aria-label=${label + ' customer name'} data-testid=${id + '-customer-name'} value=${st.customer_name} onInput=${set('customer_name')} /></td>
			<td><select aria-label=${label + ' category'} data-testid=${id + '-category'} value=${st.category} onChange=${set('category')}>
				${CATEGORIES.map((c) => html`<option key=${c} value=${c}>${capitalize(c.replace(/_/g, ' '))}</option>`)}
			</select></td>
			<td><input type="color" class="input-colour" aria-label=${label + ' colour'} data-testid=${id + '-color'} value=${st.color} onInput=${set('color')} /></td>
			<td>
				<label class="check"><input type="checkbox" data-testid=${id + '-entry'} checked=${st.entry} onChange=${set('entry')} /><span>Entry</span></label>
				<label class="check"><input type="checkbox" data-testid=${id + '-require-note'} checked=${st.require_note} onChange=${set('require_note')} /><span>Requires a note</span></label>
			</td>
			<td>${CLOCKS.map(([c, name]) => html`<label key=${c} class="check">
				<input type="checkbox" data-testid=${id + '-clock-' + c} checked=${st.clocks.includes(c)} onChange=${toggleIn('clocks', c)} /><span>${name}</span></label>`)}</td>
			<td>${keys.filter((k) => k !== st.key).map((k) => html`<label key=${k} class="check">
				<input type="checkbox" data-testid=${id + '-move-' + k} checked=${st.transitions.includes(k)} onChange=${toggleIn('transitions', k)} /><span>${names[k]}</span></label>`)}</td>
			<td data-testid=${id + '-tickets'}>${st.isNew ? '—' : st.tickets}</td>
			<td><button type="button" class="btn btn-small" data-testid=${id + '-remove'} onClick=${onRemove}>Remove</button></td>
		</tr>
		${bad && html`<tr class="row-error"><td colspan="9">
			${errors.map((x, k) => html`<p key=${k} class="field-error" data-testid="pipeline-row-error">${x.message || x.code}</p>`)}
		</td></tr>`}
	</tbody>`;
}

/* ---------- audit log ---------- */

function AuditLog() {
	const [rows, setRows] = useState(null);
	const [cursor, setCursor] = useState(null);
	const [error, setError] = useState(null);
	const [loading, setLoading] = useState(false);

	const fetchPage = useCallback(async (after) => {
		setLoading(true);
		setError(null);
		try {
			const r = await api.get('/admin/audit' + api.query({ cursor: after }));
			const data = (r.data && r.data.data) || [];
			setRows((old) => (after ? (old || []).concat(data) : data));
			setCursor((r.data && r.data.next_cursor) || null);
		} catch (e) {
			setError(e);
			setRows((old) => old || []);
		} finally {
			setLoading(false);
		}
	}, []);
	useEffect(() => { fetchPage(null); }, [fetchPage]);

	return html`<section class="settings" data-testid="audit-log">
		<p class="crumbs"><a href="#/settings" data-testid="back-to-settings">← Settings</a></p>
		<div class="page-head"><h1>Audit log</h1></div>
		<${ErrorBox} error=${error} testid="audit-error" />
		${rows === null ? html`<${Loading} />`
			: rows.length === 0 ? html`<p class="muted" data-testid="audit-empty">Nothing recorded yet.</p>`
			: html`<section class="panel"><table class="table audit-table" data-testid="audit-table">
				<thead><tr><th>When</th><th>Who</th><th>Action</th><th>Detail</th><th>Address</th></tr></thead>
				<tbody>
					${rows.map((a) => html`<tr key=${a.id} data-testid="audit-row" data-id=${a.id}>
						<td class="col-time"><${Time} iso=${a.created_at} /></td>
						<td data-testid="audit-actor">${a.actor ? a.actor.name : html`<span class="muted">System</span>`}</td>
						<td class="audit-action" data-testid="audit-action">${a.action}</td>
						<td data-testid="audit-detail">${a.detail}</td>
						<td data-testid="audit-address">${a.address}</td>
					</tr>`)}
				</tbody>
			</table></section>`}
		${cursor && html`<div class="load-more">
			<button class="btn" onClick=${() => fetchPage(cursor)} disabled=${loading} data-testid="load-more">
				${loading ? 'Loading…' : 'Load more'}</button>
		</div>`}
	</section>`;
}
