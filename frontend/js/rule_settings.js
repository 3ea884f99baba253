// Settings → Rules: the tenant's rules in the order they run, each shown in words, edited in a
// form (trigger, conditions as rows, ordered actions as rows) or, for power users, as the JSON
// the API takes. Nothing reaches the server until Save, which replaces the whole list; a
// refusal is shown next to the rule and the row it names, and the form keeps what was typed.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, ErrorBox, Loading, PRIORITIES, capitalize } from './ui.js';
import {
	TRIGGERS, FIELDS, OPS, ORDER_OPS, ACTIONS, ACTION_VALUE, ROLES, QUEUES, VISIBILITIES,
	ruleToForm, rulesFromForm, ruleFromForm, changeRule, changeTrigger, newRule,
	newCondition, changeCondition, newAction, splitList, placeProblem,
} from './rule_form.js';

const label = (pairs, key) => (pairs.find(([k]) => k === key) || [null, key])[1];
const PRIORITY_CHOICES = PRIORITIES.map((p) => [p, capitalize(p)]);

/** The choices each kind of value offers, from the admin lists. */
function choicesFrom(lists) {
	const [pipelines, teams, staff, categories] = lists;
	const statuses = [];
	for (const p of pipelines) {
		for (const st of p.statuses || []) {
			const seen = statuses.find((x) => x.key === st.key);
			if (seen) seen.pipelines.push(p.name);
			else statuses.push({ key: st.key, name: st.staff_name || st.key, pipelines: [p.name] });
		}
	}
	const several = pipelines.length > 1;
	return {
		priority: PRIORITY_CHOICES,
		status: statuses.map((s) => [s.key, several ? s.name + ' (' + s.pipelines.join(', ') + ')' : s.name]),
		team: teams.map((t) => [String(t.id), t.name]),
		user: staff.map((u) => [String(u.id), u.name + ' (' + u.role + ')']),
		category: categories.map((c) => [c.name, c.name]).concat([['none', 'No category']]),
		assignee: staff.map((u) => [String(u.id), u.name]).concat([['none', 'Nobody']]),
		queue: QUEUES,
		visibility: VISIBILITIES,
		role: ROLES,
	};
}

/* ---------- the rules in words ---------- */

const quoted = (s) => '“' + s + '”';
const shorten = (s, n = 60) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

function triggerText(rule, choices) {
	switch (rule.trigger) {
	case 'created': return 'a ticket is created';
	case 'updated': return 'a ticket is updated';
	case 'status_changed': return 'a ticket\'s status changes';
	case 'note_added': return 'a note is added';
	case 'light_amber': return 'a light turns amber';
	case 'light_red': return 'a light turns red';
	case 'time_in_status': {
		const st = label(choices.status, rule.status) || '?';
		return 'a ticket has been ' + (rule.minutes || '?') + ' minutes in ' + st +
			(rule.repeat.trim() ? ', and again every ' + rule.repeat.trim() + ' minutes it stays' : '');
	}
	default: return 'unknown trigger ' + quoted(rule.trigger);
	}
}

function conditionValueText(row, choices) {
	const named = (v) => (choices[row.field] ? label(choices[row.field], v) : quoted(v));
	if (row.op === 'in') return row.list.length ? row.list.map(named).join(', ') : '(nothing)';
	if (row.op === 'contains') return quoted(row.value);
	return row.value === '' ? '(nothing)' : named(row.value);
}

function conditionText(row, choices) {
	return label(FIELDS, row.field) + ' ' + label(OPS, row.op) + ' ' + conditionValueText(row, choices);
}

function conditionsText(c, choices) {
	if (c.hasRaw) return 'conditions written as JSON (see Advanced)';
	if (c.rows.length === 0) return 'always (no conditions)';
	return c.rows.map((r) => conditionText(r, choices)).join(c.combine === 'any' ? ' or ' : ' and ');
}

function actionText(a, choices) {
	if (a.hasRaw) return 'an action written as JSON: ' + shorten(JSON.stringify(a.raw));
	const v = a.value;
	const named = (list) => (v === '' ? '(not chosen yet)' : label(list, v));
	switch (a.type) {
	case 'set_priority': return 'set the priority to ' + named(choices.priority);
	case 'set_status': return 'set the status to ' + named(choices.status);
	case 'set_assignee': return 'assign to ' + named(choices.assignee);
	case 'set_team': return 'set the team to ' + named(choices.team);
	case 'add_tag': return 'add the tag ' + quoted(v);
	case 'set_tags': {
		const tags = splitList(v);
		return tags.length ? 'replace the tags with ' + tags.map(quoted).join(', ') : 'remove every tag';
	}
	case 'route_by_skill': return 'route by skill';
	case 'add_note': return 'add the internal note ' + quoted(shorten(v));
	case 'notify': return 'notify ' + named(choices.assignee);
	case 'notify_role': return v === '' ? 'notify everyone with a role (not chosen yet)' : 'notify every ' + v;
	case 'escalate': return 'escalate to the managers';
	default: return 'unknown action ' + quoted(a.type);
	}
}

/* ---------- small controls ---------- */

/** A select that keeps a value it does not know (from JSON or a removed team) as a choice. */
function Choice({ value, choices, placeholder, ...rest }) {
	const known = choices.some(([k]) => k === value);
	return html`<select value=${value} ...${rest}>
		${placeholder !== undefined && html`<option value="">${placeholder}</option>`}
		${!known && (value !== '' || placeholder === undefined) && html`<option value=${value}>${value === '' ? '(none)' : value + ' (unknown)'}</option>`}
		${choices.map(([k, name]) => html`<option key=${k} value=${k}>${name}</option>`)}
	</select>`;
}

function Problems({ list, testid }) {
	if (!list || list.length === 0) return null;
	return list.map((p, i) => html`<p key=${i} class="field-error" data-testid=${testid}>${p.message}</p>`);
}

/* ---------- one condition, one action ---------- */

function ConditionRow({ row, n, choices, problems, onChange, onRemove }) {
	const id = 'cond-' + n;
	const set = (what) => (e) => onChange(changeCondition(row, what, e.currentTarget.value));
	const opChoices = OPS.filter(([k]) => !ORDER_OPS.includes(k) || row.field === 'priority' || k === row.op);
	const fixed = choices[row.field];
	const toggle = (v) => (e) => {
		const on = e.currentTarget.checked;
		onChange({ ...row, list: on ? [...row.list.filter((x) => x !== v), v] : row.list.filter((x) => x !== v) });
	};
	let value;
	if (row.op === 'in' && fixed) {
		const all = fixed.concat(row.list.filter((v) => !fixed.some(([k]) => k === v)).map((v) => [v, v + ' (unknown)']));
		value = html`<fieldset class="rule-in" data-testid=${id + '-value'}>
			<legend class="sr-only">Condition ${n + 1} values</legend>
			${all.map(([k, name]) => html`<label key=${k} class="check"><input type="checkbox" data-testid=${id + '-in-' + k}
				checked=${row.list.includes(k)} onChange=${toggle(k)} /><span>${name}</span></label>`)}
		</fieldset>`;
	} else if (row.op === 'in') {
		value = html`<input type="text" aria-label=${'Condition ' + (n + 1) + ' values, separated by commas'} data-testid=${id + '-value'}
			placeholder="one, another" value=${row.value}
			onInput=${(e) => { const v = e.currentTarget.value; onChange({ ...row, value: v, list: splitList(v) }); }} />`;
	} else if (fixed && row.op !== 'contains') {
		value = html`<${Choice} aria-label=${'Condition ' + (n + 1) + ' value'} data-testid=${id + '-value'} value=${row.value}
			choices=${fixed} placeholder="Choose…" onChange=${(e) => { const v = e.currentTarget.value; onChange({ ...row, value: v }); }} />`;
	} else {
		value = html`<input type="text" aria-label=${'Condition ' + (n + 1) + ' value'} data-testid=${id + '-value'} value=${row.value}
			onInput=${(e) => { const v = e.currentTarget.value; onChange({ ...row, value: v }); }} />`;
	}
	return html`<li class=${'rule-row' + (problems.length ? ' is-invalid' : '')} data-testid=${id}>
		<div class="rule-row-fields">
			<${Choice} aria-label=${'Condition ' + (n + 1) + ' field'} data-testid=${id + '-field'} value=${row.field} choices=${FIELDS} onChange=${set('field')} />
			<${Choice} aria-label=${'Condition ' + (n + 1) + ' operator'} data-testid=${id + '-op'} value=${row.op} choices=${opChoices} onChange=${set('op')} />
			<div class="rule-row-value">${value}</div>
			<button type="button" class="btn btn-small" data-testid=${id + '-remove'} aria-label=${'Remove condition ' + (n + 1)} onClick=${onRemove}>Remove</button>
		</div>
		<${Problems} list=${problems} testid="rule-row-error" />
	</li>`;
}

function ActionRow({ action, n, count, choices, problems, onChange, onRemove, onMove }) {
	const id = 'action-' + n;
	const kind = ACTION_VALUE[action.type];
	const name = 'Action ' + (n + 1);
	const setValue = (e) => { const v = e.currentTarget.value; onChange({ ...action, value: v }); };
	let value = null;
	if (action.hasRaw) {
		value = html`<p class="rule-raw muted" data-testid=${id + '-raw'}>Written as JSON: <code>${JSON.stringify(action.raw)}</code>.
			Edit it under Advanced (JSON), or choose a type to replace it.</p>`;
	} else if (kind === 'priority' || kind === 'status' || kind === 'team' || kind === 'role') {
		value = html`<${Choice} aria-label=${name + ' ' + { priority: 'priority', status: 'status', team: 'team', role: 'role' }[kind]}
			data-testid=${id + '-value'} value=${action.value} choices=${choices[kind]} placeholder="Choose…" onChange=${setValue} />`;
	} else if (kind === 'user') {
		value = html`<${Choice} aria-label=${name + ' person'} data-testid=${id + '-value'} value=${action.value}
			choices=${choices.user} placeholder="Choose…" onChange=${setValue} />`;
	} else if (kind === 'text') {
		value = html`<input type="text" maxlength="40" aria-label=${name + ' tag'} placeholder="a-z, 0-9, _ and -" data-testid=${id + '-value'}
			value=${action.value} onInput=${setValue} />`;
	} else if (kind === 'tags') {
		value = html`<input type="text" aria-label=${name + ' tags, separated by commas'} placeholder="vip, hardware" data-testid=${id + '-value'}
			value=${action.value} onInput=${setValue} />`;
	} else if (kind === 'note') {
		value = html`<textarea rows="2" maxlength="2000" aria-label=${name + ' note text'} data-testid=${id + '-value'}
			value=${action.value} onInput=${setValue}></textarea>`;
	} else if (action.type === 'route_by_skill') {
		value = html`<p class="muted rule-hint">The router picks an agent with the category's skill, within the ticket's team, whatever the intake.</p>`;
	} else if (action.type === 'escalate') {
		value = html`<p class="muted rule-hint">Every manager is notified.</p>`;
	}
	return html`<li class=${'rule-row' + (problems.length ? ' is-invalid' : '')} data-testid=${id}>
		<div class="rule-row-fields">
			<${Choice} aria-label=${name + ' type'} data-testid=${id + '-type'} value=${action.type} choices=${ACTIONS}
				onChange=${(e) => onChange(newAction(e.currentTarget.value))} />
			<div class="rule-row-value">${value}</div>
			<span class="rule-row-tools">
				<button type="button" class="btn btn-small" data-testid=${id + '-up'} aria-label=${'Move action ' + (n + 1) + ' up'}
					disabled=${n === 0} onClick=${() => onMove(-1)}>↑</button>
				<button type="button" class="btn btn-small" data-testid=${id + '-down'} aria-label=${'Move action ' + (n + 1) + ' down'}
					disabled=${n === count - 1} onClick=${() => onMove(1)}>↓</button>
				<button type="button" class="btn btn-small" data-testid=${id + '-remove'} aria-label=${'Remove action ' + (n + 1)} onClick=${onRemove}>Remove</button>
			</span>
		</div>
		<${Problems} list=${problems} testid="rule-row-error" />
	</li>`;
}

/* ---------- one rule ---------- */

function RuleEditor({ rule, choices, problems, onChange, onDone }) {
	const set = (field, v) => onChange(changeRule(rule, field, v));
	const input = (field) => (e) => set(field, e.currentTarget.value);
	const of = (test) => problems.filter(test);
	const cond = rule.conditions;
	const setCond = (c) => onChange({ ...rule, conditions: c });
	const setRows = (rows) => setCond({ ...cond, rows, missing: false });
	const setActions = (actions) => {
		const extra = { ...rule.extra };
		delete extra.actions;
		onChange({ ...rule, actions, extra, noActions: false });
	};
	const whenProblems = of((p) => ['trigger', 'minutes', 'status', 'repeat_minutes'].includes(p.part));
	const general = of((p) => !['name', 'enabled', 'trigger', 'minutes', 'status', 'repeat_minutes', 'conditions', 'actions'].includes(p.part));
	// A single condition is stored bare, so its problem names the conditions as a whole.
	const condRow = (p) => (p.row === null && cond.rows.length === 1 && !cond.hasRaw ? 0 : p.row);
	const condGeneral = of((p) => p.part === 'conditions' && condRow(p) === null);
	const actGeneral = of((p) => p.part === 'actions' && p.row === null);
	const time = rule.trigger === 'time_in_status';
	return html`<div class="rule-editor" data-testid="rule-editor">
		<${Problems} list=${general} testid="rule-error" />
		<div class="rule-editor-head">
			<label class=${'field field-grow' + (of((p) => p.part === 'name').length ? ' is-invalid' : '')}><span>Name</span>
				<input type="text" maxlength="100" data-testid="rule-name-input" value=${rule.name} onInput=${input('name')} />
				<${Problems} list=${of((p) => p.part === 'name')} testid="rule-error" /></label>
			<label class="check rule-enabled"><input type="checkbox" data-testid="rule-enabled" checked=${rule.enabled}
				onChange=${(e) => set('enabled', e.currentTarget.checked)} /><span>Enabled</span></label>
		</div>

		<fieldset class=${'rule-part' + (whenProblems.length ? ' is-invalid' : '')}>
			<legend>When</legend>
			<div class="rule-fields">
				<label class="field field-inline"><span>Trigger</span>
					<${Choice} data-testid="rule-trigger" value=${rule.trigger} choices=${TRIGGERS}
						onChange=${(e) => onChange(changeTrigger(rule, e.currentTarget.value))} /></label>
				${time && html`
					<label class="field field-inline"><span>Minutes in the status</span>
						<input type="text" inputmode="numeric" class="input-narrow" data-testid="rule-minutes" value=${rule.minutes} onInput=${input('minutes')} /></label>
					<label class="field field-inline"><span>Status</span>
						<${Choice} data-testid="rule-status" value=${rule.status} choices=${choices.status} placeholder="Choose…" onChange=${input('status')} /></label>
					<label class="field field-inline"><span>Again every … minutes (optional)</span>
						<input type="text" inputmode="numeric" class="input-narrow" data-testid="rule-repeat" value=${rule.repeat} onInput=${input('repeat')} /></label>`}
			</div>
			${time && html`<p class="muted rule-hint">Fires once per stay in the status, or again every so many minutes while the ticket stays.</p>`}
			<${Problems} list=${whenProblems} testid="rule-error" />
		</fieldset>

		<fieldset class=${'rule-part' + (condGeneral.length ? ' is-invalid' : '')}>
			<legend>If</legend>
			${cond.hasRaw ? html`<div class="rule-raw" data-testid="rule-conditions-raw">
					<p class="muted">These conditions are nested deeper than the form shows; edit them under Advanced (JSON).</p>
					<pre class="code">${JSON.stringify(cond.raw, null, 2)}</pre>
					<button type="button" class="btn btn-small" data-testid="rule-conditions-replace"
						onClick=${() => setCond({ combine: 'all', rows: [newCondition()], raw: null, hasRaw: false })}>Replace them with conditions made here</button>
				</div>`
				: html`
				${cond.rows.length > 1 && html`<label class="field field-inline rule-combine"><span>Match</span>
					<select data-testid="rule-combine" value=${cond.combine} onChange=${(e) => setCond({ ...cond, combine: e.currentTarget.value })}>
						<option value="all">all of these conditions (and)</option>
						<option value="any">any of these conditions (or)</option>
					</select></label>`}
				${cond.rows.length === 0 && html`<p class="muted rule-hint" data-testid="rule-no-conditions">No conditions: the rule applies to every ticket.</p>`}
				<ol class="rule-rows">
					${cond.rows.map((row, j) => html`<${ConditionRow} key=${row.key} row=${row} n=${j} choices=${choices}
						problems=${of((p) => p.part === 'conditions' && condRow(p) === j)}
						onChange=${(r) => setRows(cond.rows.map((x, k) => (k === j ? r : x)))}
						onRemove=${() => setRows(cond.rows.filter((_, k) => k !== j))} />`)}
				</ol>
				<button type="button" class="btn btn-small" data-testid="rule-add-condition"
					onClick=${() => setRows([...cond.rows, newCondition()])}>Add condition</button>`}
			<${Problems} list=${condGeneral} testid="rule-error" />
		</fieldset>

		<fieldset class=${'rule-part' + (actGeneral.length ? ' is-invalid' : '')}>
			<legend>Then, in this order</legend>
			<ol class="rule-rows rule-actions">
				${rule.actions.map((a, j) => html`<${ActionRow} key=${a.key} action=${a} n=${j} count=${rule.actions.length} choices=${choices}
					problems=${of((p) => p.part === 'actions' && p.row === j)}
					onChange=${(x) => setActions(rule.actions.map((y, k) => (k === j ? x : y)))}
					onRemove=${() => setActions(rule.actions.filter((_, k) => k !== j))}
					onMove=${(d) => setActions(move(rule.actions, j, d))} />`)}
			</ol>
			${rule.actions.length === 0 && html`<p class="muted rule-hint">A rule needs at least one action.</p>`}
			<button type="button" class="btn btn-small" data-testid="rule-add-action"
				onClick=${() => setActions([...rule.actions, newAction()])}>Add action</button>
			<${Problems} list=${actGeneral} testid="rule-error" />
		</fieldset>
		<p class="rule-editor-done"><button type="button" class="btn btn-small" data-testid="rule-done" onClick=${onDone}>Done</button></p>
	</div>`;
}

/** The list with item i moved by d places (-1 up, 1 down). */
function move(list, i, d) {
	const j = i + d;
	if (j < 0 || j >= list.length) return list;
	const copy = list.slice();
	[copy[i], copy[j]] = [copy[j], copy[i]];
	return copy;
}

function RuleItem({ rule, n, count, state, open, choices, problems, onOpen, onChange, onMove, onDelete }) {
	const title = rule.name.trim() || (typeof rule.extra.name === 'string' ? rule.extra.name : '') || '(no name)';
	return html`<li class=${'panel rule-item' + (open ? ' is-open' : '') + (problems.length ? ' has-problem' : '')}
		data-testid="rule-item" data-name=${rule.name}>
		<div class="rule-head">
			<span class="rule-pos" aria-hidden="true">${n + 1}</span>
			<h2 class="rule-name" data-testid="rule-name">${title}</h2>
			${!rule.enabled && html`<span class="badge badge-off" data-testid="rule-off">Off</span>`}
			${state && html`<span class="badge badge-unsaved" data-testid="rule-state">${state}</span>`}
			${problems.length > 0 && html`<span class="badge badge-problem">${problems.length === 1 ? '1 problem' : problems.length + ' problems'}</span>`}
			<span class="rule-tools">
				<button type="button" class="btn btn-small" data-testid="rule-edit" aria-expanded=${open ? 'true' : 'false'}
					aria-label=${(open ? 'Close rule ' : 'Edit rule ') + (n + 1)} onClick=${onOpen}>${open ? 'Close' : 'Edit'}</button>
				<button type="button" class="btn btn-small" data-testid="rule-up" aria-label=${'Move rule ' + (n + 1) + ' up'}
					disabled=${n === 0} onClick=${() => onMove(-1)}>Move up</button>
				<button type="button" class="btn btn-small" data-testid="rule-down" aria-label=${'Move rule ' + (n + 1) + ' down'}
					disabled=${n === count - 1} onClick=${() => onMove(1)}>Move down</button>
				<button type="button" class="btn btn-small btn-danger" data-testid="rule-delete" aria-label=${'Delete rule ' + (n + 1)}
					onClick=${onDelete}>Delete</button>
			</span>
		</div>
		<dl class="rule-summary">
			<dt>When</dt><dd data-testid="rule-when">${triggerText(rule, choices)}</dd>
			<dt>If</dt><dd data-testid="rule-if">${conditionsText(rule.conditions, choices)}</dd>
			<dt>Then</dt><dd><ol class="rule-then">${rule.actions.length
				? rule.actions.map((a) => html`<li key=${a.key} data-testid="rule-then">${actionText(a, choices)}</li>`)
				: html`<li class="muted">nothing yet</li>`}</ol></dd>
		</dl>
		${open && html`<${RuleEditor} rule=${rule} choices=${choices} problems=${problems} onChange=${onChange} onDone=${onOpen} />`}
	</li>`;
}

/* ---------- the page ---------- */

const LISTS = ['/admin/pipelines', '/admin/teams', '/admin/agents', '/admin/categories'];

/** A failed save as {general: [text], byRule: {key: [{part, row, message}]}}; keys name rules as they were sent. */
function placeProblems(error, rules) {
	const out = { general: [], byRule: {} };
	const errs = error.status === 422 && error.errors.length ? error.errors : [];
	if (errs.length === 0) out.general.push(error.detail || error.message);
	for (const x of errs) {
		const where = placeProblem(x.pointer);
		const message = x.message || x.code || 'invalid';
		const rule = where.rule !== null ? rules[where.rule] : null;
		if (!rule) {
			out.general.push(message);
			continue;
		}
		(out.byRule[rule.key] = out.byRule[rule.key] || []).push({ part: where.part, row: where.row, message, n: where.rule });
	}
	return out;
}

function whereText(rule, n, p) {
	let s = 'Rule ' + (n + 1) + (rule && rule.name.trim() ? ' (' + rule.name.trim() + ')' : '');
	if (p.part === 'actions' && p.row !== null) s += ', action ' + (p.row + 1);
	else if (p.part === 'conditions' && p.row !== null) s += ', condition ' + (p.row + 1);
	return s;
}

export function RuleSettings() {
	const [rules, setRules] = useState(null);
	const [saved, setSaved] = useState({ text: '[]', byKey: {} }); // the list as last loaded or saved
	const [choices, setChoices] = useState(null);
	const [loadError, setLoadError] = useState(null);
	const [problems, setProblems] = useState(null);
	const [notice, setNotice] = useState(null);
	const [busy, setBusy] = useState(false);
	const [openKey, setOpenKey] = useState(null);
	const [json, setJson] = useState(null); // {text, error} while the JSON view is open

	const adopt = useCallback((list) => {
		const form = list.map((r) => ruleToForm(r));
		setRules(form);
		setSaved({
			text: JSON.stringify(rulesFromForm(form)),
			byKey: Object.fromEntries(form.map((r) => [r.key, JSON.stringify(ruleFromForm(r))])),
		});
		return form;
	}, []);

	const load = useCallback(async () => {
		setLoadError(null);
		try {
			const [r, ...lists] = await Promise.all([api.get('/admin/rules'), ...LISTS.map((p) => api.get(p))]);
			setChoices(choicesFrom(lists.map((x) => (x.data && x.data.data) || [])));
			adopt((r.data && r.data.data) || []);
		} catch (e) {
			setLoadError(e);
		}
	}, [adopt]);
	useEffect(() => { load(); }, [load]);

	const current = useMemo(() => (rules ? JSON.stringify(rulesFromForm(rules)) : '[]'), [rules]);
	const dirty = rules !== null && current !== saved.text;

	const edit = (fn) => {
		setNotice(null);
		setRules((list) => fn(list));
	};
	// An edit in the form makes the rule the form's, even one typed in the JSON view as a non-object.
	const replaceRule = (key, { notObject, ...next }) => edit((list) => list.map((r) => (r.key === key ? next : r)));

	function addRule() {
		const r = newRule();
		edit((list) => [...list, r]);
		setOpenKey(r.key);
	}

	function toggleJson() {
		if (json) {
			setJson(null);
			return;
		}
		setJson({ text: JSON.stringify(rulesFromForm(rules), null, 2), error: null });
	}

	function typeJson(text) {
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch (e) {
			setJson({ text, error: 'This is not valid JSON yet: ' + e.message });
			return;
		}
		if (!Array.isArray(parsed)) {
			setJson({ text, error: 'The rules are a list: [ {"name": …, "trigger": …, "conditions": …, "actions": […]}, … ]' });
			return;
		}
		setJson({ text, error: null });
		setNotice(null);
		// The same rules keep their keys, so an open editor stays open and "Edited" stays accurate.
		setRules((list) => parsed.map((r, i) => ruleToForm(r, list[i] ? list[i].key : undefined)));
	}

	async function save(ev) {
		ev.preventDefault();
		if (busy || rules === null) return;
		setNotice(null);
		if (json && json.error) {
			setProblems({ general: ['The JSON is not valid, so nothing was sent: ' + json.error], byRule: {} });
			return;
		}
		// What is sent is exactly what the admin sees: the typed JSON, or the form.
		const body = json ? JSON.parse(json.text) : rulesFromForm(rules);
		const sent = rules;
		setBusy(true);
		setProblems(null);
		try {
			const r = await api.put('/admin/rules', { rules: body });
			const form = adopt((r.data && r.data.data) || []);
			if (json) setJson({ text: JSON.stringify(rulesFromForm(form), null, 2), error: null });
			setOpenKey(null);
			setNotice('Saved. The rules run in this order from now on.');
		} catch (e) {
			const placed = placeProblems(e, sent);
			setProblems(placed);
			const first = sent.find((x) => placed.byRule[x.key]);
			if (first) setOpenKey(first.key);
		} finally {
			setBusy(false);
		}
	}

	function discard() {
		setProblems(null);
		setNotice(null);
		setOpenKey(null);
		const form = adopt(JSON.parse(saved.text));
		if (json) setJson({ text: JSON.stringify(rulesFromForm(form), null, 2), error: null });
	}

	const page = (body) => html`<section class="settings" data-testid="rule-settings">
		<p class="crumbs"><a href="#/settings" data-testid="back-to-settings">← Settings</a></p>
		<div class="page-head"><h1>Rules</h1></div>
		<p class="settings-intro muted">After every change to a ticket, its rules run from top to bottom: a rule whose trigger
			and conditions fit does its actions in order. Later rules see what earlier ones changed; a rule's own actions
			never start it again. Changes here take effect when you save.</p>
		${body}
	</section>`;

	if (loadError && !rules) {
		return page(html`<${ErrorBox} error=${loadError} testid="page-error" />
			<button type="button" class="btn" onClick=${load}>Try again</button>`);
	}
	if (!rules || !choices) return page(html`<${Loading} />`);

	const byRule = (problems && problems.byRule) || {};
	const listed = [];
	for (const r of rules) {
		for (const p of byRule[r.key] || []) listed.push({ key: r.key, text: whereText(r, rules.indexOf(r), p) + ': ' + p.message });
	}
	const lost = problems ? Object.keys(byRule).filter((k) => !rules.some((r) => r.key === k)) : [];
	const general = problems ? problems.general.concat(lost.flatMap((k) => byRule[k].map((p) => 'A deleted rule: ' + p.message))) : [];
	const stateOf = (r) => (!(r.key in saved.byKey) ? 'New' : saved.byKey[r.key] !== JSON.stringify(ruleFromForm(r)) ? 'Edited' : null);
	const removed = Object.keys(saved.byKey).filter((k) => !rules.some((r) => r.key === k)).length;

	return page(html`<form class="rule-form" onSubmit=${save} novalidate data-testid="rule-form">
		<div class="rule-toolbar">
			<button type="button" class="btn btn-small" data-testid="rules-advanced-toggle" aria-expanded=${json ? 'true' : 'false'}
				aria-controls="rules-json" onClick=${toggleJson}>${json ? 'Back to the form' : 'Advanced (JSON)'}</button>
		</div>
		${json ? html`<div class="panel rule-json">
				<label class="field" for="rules-json"><span>Rules as JSON (the list PUT /api/v1/admin/rules takes)</span></label>
				<textarea id="rules-json" rows="22" class="code" spellcheck="false" data-testid="rules-json" value=${json.text}
					onInput=${(e) => typeJson(e.currentTarget.value)}></textarea>
				${json.error ? html`<p class="field-error" data-testid="rules-json-error">${json.error} Until it is, the form keeps the last valid version.</p>`
					: html`<p class="muted rule-hint">The form follows what you type here.</p>`}
			</div>`
			: html`
			${rules.length === 0 && html`<div class="panel empty" data-testid="rules-empty"><p>No rules yet.</p></div>`}
			<ol class="rule-list" data-testid="rules-list">
				${rules.map((r, i) => html`<${RuleItem} key=${r.key} rule=${r} n=${i} count=${rules.length} state=${stateOf(r)}
					open=${openKey === r.key} choices=${choices} problems=${byRule[r.key] || []}
					onOpen=${() => setOpenKey(openKey === r.key ? null : r.key)}
					onChange=${(next) => replaceRule(r.key, next)}
					onMove=${(d) => edit((list) => move(list, list.findIndex((x) => x.key === r.key), d))}
					onDelete=${() => { edit((list) => list.filter((x) => x.key !== r.key)); if (openKey === r.key) setOpenKey(null); }} />`)}
			</ol>
			<p><button type="button" class="btn btn-small" data-testid="rules-add" onClick=${addRule}>Add rule</button></p>`}

		${problems && (general.length > 0 || listed.length > 0) && html`<div class="alert alert-error" role="alert" data-testid="settings-errors">
			<p>The rules were not saved; nothing changed. Please correct:</p>
			<ul>
				${general.map((m, i) => html`<li key=${'g' + i} data-testid="settings-error-item">${m}</li>`)}
				${listed.map((x, i) => html`<li key=${'r' + i} data-testid="settings-error-item">${x.text}</li>`)}
			</ul>
		</div>`}
		${notice && html`<div class="alert alert-success" role="status" data-testid="settings-saved">${notice}</div>`}
		<div class="form-actions settings-actions">
			${dirty && html`<span class="muted settings-dirty" data-testid="settings-dirty">Unsaved changes${removed ? ' (' + removed + (removed === 1 ? ' rule' : ' rules') + ' deleted)' : ''}</span>`}
			<button type="button" class="btn" disabled=${busy || !dirty} onClick=${discard} data-testid="settings-discard">Discard changes</button>
			<button type="submit" class="btn btn-primary" disabled=${busy} data-testid="settings-save">${busy ? 'Saving…' : 'Save rules'}</button>
		</div>
	</form>`);
}
