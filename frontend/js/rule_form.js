// The rule editor's vocabulary and the conversion between a rule as the API holds it
// ({name, enabled, trigger, conditions, actions, minutes, status, repeat_minutes}) and as the
// form edits it (strings in inputs, conditions and actions as rows). No UI here.
//
// The conversion is faithful: whatever the form cannot show as rows (a nested condition tree,
// an action of an unknown shape, a field the format does not have) is kept as it came and sent
// back unchanged, so opening and saving a rule never rewrites it behind the admin's back, and
// the server's answer about such parts still names the problem.

export const TRIGGERS = [
	['created', 'A ticket is created'],
	['updated', 'A ticket is updated'],
	['status_changed', 'Its status changes'],
	['note_added', 'A note is added'],
	['light_amber', 'A light turns amber'],
	['light_red', 'A light turns red'],
	['time_in_status', 'It stays in a status for a time'],
];

export const FIELDS = [
	['priority', 'Priority'],
	['status', 'Status'],
	['category', 'Category'],
	['queue', 'Queue'],
	['subject', 'Subject'],
	['assignee', 'Assignee'],
	['visibility', 'Note visibility'],
];

export const OPS = [
	['equals', 'equals'],
	['not_equals', 'does not equal'],
	['in', 'is one of'],
	['contains', 'contains'],
	['greater', 'is higher than'],
	['less', 'is lower than'],
];

/** Operators that compare order: the server allows them on the priority only. */
export const ORDER_OPS = ['greater', 'less'];

export const ACTIONS = [
	['set_priority', 'Set priority'],
	['set_status', 'Set status'],
	['set_assignee', 'Assign to'],
	['set_team', 'Set team'],
	['add_tag', 'Add a tag'],
	['set_tags', 'Replace the tags'],
	['route_by_skill', 'Route by skill'],
	['add_note', 'Add an internal note'],
	['notify', 'Notify a person'],
	['notify_role', 'Notify everyone with a role'],
	['escalate', 'Escalate to the managers'],
];

export const ROLES = [['admin', 'Admins'], ['manager', 'Managers'], ['agent', 'Agents']];
export const QUEUES = [['triage', 'Triage'], ['fallback', 'Fallback'], ['none', 'No queue']];
export const VISIBILITIES = [['internal', 'Internal'], ['public', 'Public']];

/** What the value of each action type is: a choice from a list, free text, tags, or nothing. */
export const ACTION_VALUE = {
	set_priority: 'priority',
	set_status: 'status',
	set_assignee: 'user',
	set_team: 'team',
	add_tag: 'text',
	set_tags: 'tags',
	route_by_skill: null,
	add_note: 'note',
	notify: 'user',
	notify_role: 'role',
	escalate: null,
};

const RULE_KEYS = ['name', 'enabled', 'trigger', 'conditions', 'actions', 'minutes', 'status', 'repeat_minutes'];
const TIME_KEYS = ['minutes', 'status', 'repeat_minutes'];
const ID_TYPES = new Set(['user', 'team']);

let lastUid = 0;
/** A key for a rule or row that survives reordering (never sent to the server). */
export function uid() {
	lastUid += 1;
	return 'r' + lastUid;
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));

/* ---------- conditions ---------- */

/** A leaf condition as a form row, or null when it does not fit one. */
function conditionRow(c) {
	if (!isPlainObject(c)) return null;
	const keys = Object.keys(c);
	if (keys.length !== 3 || !('field' in c) || !('op' in c) || !('value' in c)) return null;
	if (typeof c.field !== 'string' || typeof c.op !== 'string') return null;
	if (c.op === 'in') {
		if (!Array.isArray(c.value) || !c.value.every(isScalar)) return null;
		const list = c.value.map(String);
		return { key: uid(), field: c.field, op: 'in', value: c.field === 'subject' ? list.join(', ') : '', list };
	}
	if (!isScalar(c.value)) return null;
	return { key: uid(), field: c.field, op: c.op, value: String(c.value), list: [] };
}

/**
 * The condition tree as {combine, rows, raw}: rows when it is empty, one condition or one
 * all/any list of conditions; otherwise raw holds the tree as it is (hasRaw), for the JSON view.
 */
export function conditionsToForm(c) {
	if (isPlainObject(c) && Object.keys(c).length === 0) return { combine: 'all', rows: [], raw: null, hasRaw: false };
	const one = conditionRow(c);
	if (one) return { combine: 'all', rows: [one], raw: null, hasRaw: false };
	if (isPlainObject(c) && Object.keys(c).length === 1 && ('all' in c || 'any' in c)) {
		const combine = 'all' in c ? 'all' : 'any';
		const list = c[combine];
		if (Array.isArray(list) && list.length > 0) {
			const rows = list.map(conditionRow);
			if (rows.every(Boolean)) return { combine, rows, raw: null, hasRaw: false };
		}
	}
	return { combine: 'all', rows: [], raw: c, hasRaw: true };
}

/** A condition value as the server compares it: assignees are ids, everything else text. */
function conditionValue(field, s) {
	if (field === 'assignee' && /^\d+$/.test(s)) return Number(s);
	return s;
}

/** Splits "a, b ,c" into ["a", "b", "c"]. */
export function splitList(s) {
	return String(s).split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function rowToCondition(r) {
	if (r.op === 'in') return { field: r.field, op: 'in', value: r.list.map((v) => conditionValue(r.field, v)) };
	return { field: r.field, op: r.op, value: conditionValue(r.field, r.value) };
}

export function conditionsFromForm(f) {
	if (f.hasRaw) return f.raw;
	if (f.rows.length === 0) return {};
	if (f.rows.length === 1) return rowToCondition(f.rows[0]);
	return { [f.combine]: f.rows.map(rowToCondition) };
}

/** A fresh condition row. */
export function newCondition() {
	return { key: uid(), field: 'priority', op: 'equals', value: '', list: [] };
}

/** The row after its field or operator changed: values carried over where they still fit. */
export function changeCondition(row, what, v) {
	const next = { ...row, [what]: v };
	if (what === 'field') {
		next.value = '';
		next.list = [];
		if (ORDER_OPS.includes(next.op) && v !== 'priority') next.op = 'equals';
	} else if (what === 'op') {
		if (v === 'in' && row.op !== 'in') next.list = row.field === 'subject' ? splitList(row.value) : (row.value ? [row.value] : []);
		if (v !== 'in' && row.op === 'in') next.value = row.field === 'subject' ? row.list.join(', ') : (row.list[0] || '');
	}
	return next;
}

/* ---------- actions ---------- */

/** An action as a form row {type, value, raw}; raw keeps one the form cannot show. */
export function actionToForm(a) {
	const keep = { key: uid(), type: isPlainObject(a) && typeof a.type === 'string' ? a.type : '', value: '', raw: a, hasRaw: true };
	if (!isPlainObject(a) || typeof a.type !== 'string' || !(a.type in ACTION_VALUE)) return keep;
	const kind = ACTION_VALUE[a.type];
	const keys = Object.keys(a);
	if (kind === null) return keys.length === 1 ? { key: keep.key, type: a.type, value: '', raw: null, hasRaw: false } : keep;
	if (keys.length !== 2 || !('value' in a)) return keep;
	const v = a.value;
	if (ID_TYPES.has(kind)) {
		return Number.isInteger(v) && v > 0 ? { key: keep.key, type: a.type, value: String(v), raw: null, hasRaw: false } : keep;
	}
	if (kind === 'tags') {
		return Array.isArray(v) && v.every((x) => typeof x === 'string' && !x.includes(','))
			? { key: keep.key, type: a.type, value: v.join(', '), raw: null, hasRaw: false } : keep;
	}
	return typeof v === 'string' ? { key: keep.key, type: a.type, value: v, raw: null, hasRaw: false } : keep;
}

export function actionFromForm(r) {
	if (r.hasRaw) return r.raw;
	const kind = ACTION_VALUE[r.type];
	if (kind === null) return { type: r.type };
	if (ID_TYPES.has(kind)) return { type: r.type, value: /^\d+$/.test(r.value) ? Number(r.value) : r.value };
	if (kind === 'tags') return { type: r.type, value: splitList(r.value) };
	return { type: r.type, value: r.value };
}

export function newAction(type = 'add_tag') {
	return { key: uid(), type, value: '', raw: null, hasRaw: false };
}

/* ---------- rules ---------- */

/**
 * One rule from the API (or typed JSON) as the form's state. What the form cannot hold goes to
 * `extra`, which is sent as it came and overrides the form's own value for its key; editing
 * that part in the form drops it from `extra`.
 */
export function ruleToForm(rule, key = uid()) {
	const r = isPlainObject(rule) ? rule : {};
	const extra = {};
	for (const k of Object.keys(r)) if (!RULE_KEYS.includes(k) && k !== 'id') extra[k] = r[k];
	const form = {
		key,
		name: '',
		enabled: true,
		trigger: '',
		minutes: '',
		status: '',
		repeat: '',
		conditions: 'conditions' in r ? conditionsToForm(r.conditions) : { combine: 'all', rows: [], raw: null, hasRaw: false, missing: true },
		actions: Array.isArray(r.actions) ? r.actions.map(actionToForm) : [],
		extra,
	};
	if ('actions' in r && !Array.isArray(r.actions)) extra.actions = r.actions;
	if (!('actions' in r)) form.noActions = true;
	if (typeof r.name === 'string') form.name = r.name; else if ('name' in r) extra.name = r.name;
	if (typeof r.enabled === 'boolean') form.enabled = r.enabled; else if ('enabled' in r) extra.enabled = r.enabled;
	if (typeof r.trigger === 'string') form.trigger = r.trigger; else if ('trigger' in r) extra.trigger = r.trigger;
	const time = form.trigger === 'time_in_status';
	for (const [k, into] of [['minutes', 'minutes'], ['status', 'status'], ['repeat_minutes', 'repeat']]) {
		if (!(k in r)) continue;
		if (time && (typeof r[k] === 'string' || Number.isInteger(r[k]))) form[into] = String(r[k]);
		else extra[k] = r[k];
	}
	if (!isPlainObject(rule)) form.notObject = rule;
	return form;
}

/** A number typed into the form, sent as a number when it is one (else as typed, for the server to name). */
const whole = (s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s);

/** The rule as the API takes it. */
export function ruleFromForm(f) {
	if ('notObject' in f) return f.notObject;
	const out = { name: f.name, enabled: f.enabled, trigger: f.trigger };
	if (f.trigger === 'time_in_status') {
		if (f.minutes !== '') out.minutes = whole(f.minutes);
		if (f.status !== '') out.status = f.status;
		if (f.repeat.trim() !== '') out.repeat_minutes = whole(f.repeat);
	}
	if (!f.conditions.missing || f.conditions.rows.length > 0) out.conditions = conditionsFromForm(f.conditions);
	if (!f.noActions || f.actions.length > 0) out.actions = f.actions.map(actionFromForm);
	return Object.assign(out, f.extra);
}

/** The rule with one of its own fields edited in the form (which replaces any kept value). */
export function changeRule(f, field, v) {
	const extra = { ...f.extra };
	const apiKey = { repeat: 'repeat_minutes' }[field] || field;
	delete extra[apiKey];
	return { ...f, [field]: v, extra };
}

/** The trigger changed: time fields only belong to time_in_status. */
export function changeTrigger(f, trigger) {
	const extra = { ...f.extra };
	delete extra.trigger;
	for (const k of TIME_KEYS) delete extra[k];
	return { ...f, trigger, extra };
}

export function newRule() {
	return ruleToForm({ name: '', enabled: true, trigger: 'created', conditions: {}, actions: [{ type: 'add_tag', value: '' }] });
}

/** The whole list for PUT /admin/rules. */
export function rulesFromForm(list) {
	return list.map(ruleFromForm);
}

/**
 * Where a server problem belongs: {rule, part, row} from a pointer such as
 * "/rules/2/actions/1" or "/rules/0/conditions/any/3" (rule null: the list as a whole).
 */
export function placeProblem(pointer) {
	const p = String(pointer || '').replace(/^\//, '').split('/');
	if (p[0] !== 'rules' || p.length < 2 || !/^\d+$/.test(p[1])) return { rule: null, part: null, row: null };
	const rule = Number(p[1]);
	const part = p[2] || null;
	let row = null;
	if (part === 'actions' && /^\d+$/.test(p[3] || '')) row = Number(p[3]);
	if (part === 'conditions' && (p[3] === 'all' || p[3] === 'any') && /^\d+$/.test(p[4] || '')) row = Number(p[4]);
	return { rule, part, row };
}
