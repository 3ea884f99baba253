// The admin console's routing pages: teams and their members, each staff member's skills,
// levels and capacity, and categories (which pipeline, team and skill a kind of ticket goes to).
// Each row saves on its own; a refusal is shown next to the row it concerns.

import { useCallback, useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, ErrorBox, Loading } from './ui.js';

/** The messages of a failed save, for one pointer (or all that start with a prefix). */
function messages(error, pointer, prefix = false) {
	if (!error) return [];
	const errs = error.errors || [];
	if (errs.length === 0) return pointer === null ? [error.detail || error.message] : [];
	return errs.filter((x) => (prefix ? (x.pointer || '').startsWith(pointer) : x.pointer === pointer)).map((x) => x.message || x.code);
}

function RowErrors({ error, testid }) {
	if (!error) return null;
	const list = (error.errors && error.errors.length) ? error.errors.map((x) => x.message || x.code) : [error.detail || error.message];
	return html`<div class="alert alert-error" role="alert" data-testid=${testid}>
		<p>Nothing was saved.</p><ul>${list.map((m, i) => html`<li key=${i}>${m}</li>`)}</ul></div>`;
}

/** Loads several admin lists at once; returns [data, error, reload]. */
function useLists(paths) {
	const [data, setData] = useState(null);
	const [error, setError] = useState(null);
	const key = paths.join(' ');
	const load = useCallback(async () => {
		try {
			const res = await Promise.all(paths.map((p) => api.get(p)));
			setData(res.map((r) => (r.data && r.data.data) || []));
			setError(null);
		} catch (e) {
			setError(e);
		}
	}, [key]);
	useEffect(() => { load(); }, [load]);
	return [data, error, load];
}

function Page({ title, intro, testid, error, children }) {
	return html`<section class="settings" data-testid=${testid}>
		<p class="crumbs"><a href="#/settings" data-testid="back-to-settings">← Settings</a></p>
		<div class="page-head"><h1>${title}</h1></div>
		<p class="settings-intro muted">${intro}</p>
		${error && html`<${ErrorBox} error=${error} testid="page-error" />`}
		${children}
	</section>`;
}

/* ---------- teams ---------- */

export function TeamSettings() {
	const [data, error, reload] = useLists(['/admin/teams', '/admin/agents']);
	if (!data) return html`<${Page} title="Teams" testid="team-settings" error=${error}><${Loading} /></${Page}>`;
	const [teams, staff] = data;
	return html`<${Page} title="Teams" testid="team-settings" error=${error}
		intro="Staff work in teams. A pipeline or a category may belong to a team: where the organisation works by team, agents see their teams' tickets and the router picks within the team.">
		${teams.map((t) => html`<${TeamRow} key=${t.id} team=${t} staff=${staff} onSaved=${reload} />`)}
		<${TeamRow} key=${'new' + teams.length} team=${null} staff=${staff} onSaved=${reload} />
	</${Page}>`;
}

function TeamRow({ team, staff, onSaved }) {
	const [name, setName] = useState(team ? team.name : '');
	const [members, setMembers] = useState(team ? team.members.map((m) => m.id) : []);
	const [error, setError] = useState(null);
	const [notice, setNotice] = useState(null);
	const [busy, setBusy] = useState(false);
	const id = team ? 'team-' + team.id : 'team-new';
	async function save(ev) {
		ev.preventDefault();
		setBusy(true);
		setError(null);
		setNotice(null);
		try {
			const body = { name: name.trim(), members };
			if (team) await api.put('/admin/teams/' + team.id, body);
			else await api.post('/admin/teams', body);
			setNotice('Saved.');
			onSaved();
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}
	const toggle = (uid) => (e) => {
		const on = e.currentTarget.checked;
		setMembers((list) => (on ? [...list.filter((x) => x !== uid), uid] : list.filter((x) => x !== uid)));
	};
	const nameError = messages(error, '/name').join('; ');
	return html`<form class="panel" onSubmit=${save} novalidate data-testid=${id}>
		<h2 class="panel-title">${team ? team.name : 'New team'}</h2>
		${team && team.pipelines.length > 0 && html`<p class="muted">Works the pipelines: ${team.pipelines.join(', ')}</p>`}
		<label class=${'field' + (nameError ? ' is-invalid' : '')}><span>Name</span>
			<input type="text" maxlength="60" data-testid=${id + '-name'} value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
			${nameError && html`<p class="field-error">${nameError}</p>`}</label>
		<fieldset class="field"><legend>Members</legend>
			${staff.map((u) => html`<label key=${u.id} class="check"><input type="checkbox" data-testid=${id + '-member-' + u.id}
				checked=${members.includes(u.id)} onChange=${toggle(u.id)} /><span>${u.name}</span></label>`)}
		</fieldset>
		<${RowErrors} error=${error} testid=${id + '-error'} />
		${notice && html`<div class="alert alert-success" role="status" data-testid=${id + '-saved'}>${notice}</div>`}
		<p><button type="submit" class="btn btn-small btn-primary" disabled=${busy} data-testid=${id + '-save'}>${team ? 'Save team' : 'Add team'}</button></p>
	</form>`;
}

/* ---------- staff: skills, levels and capacity ---------- */

export function AgentSettings() {
	const [data, error, reload] = useLists(['/admin/agents']);
	if (!data) return html`<${Page} title="Skills and capacity" testid="agent-settings" error=${error}><${Loading} /></${Page}>`;
	return html`<${Page} title="Skills and capacity" testid="agent-settings" error=${error}
		intro="The router gives a ticket to an available agent with the skill its category needs, at the level its priority needs, with room under their capacity.">
		<div class="table-scroll"><table class="table">
			<thead><tr><th>Person</th><th>Teams</th><th>Skills (level 1–5)</th><th>Capacity</th><th></th></tr></thead>
			${data[0].map((u) => html`<${AgentRow} key=${u.id} person=${u} onSaved=${reload} />`)}
		</table></div>
	</${Page}>`;
}

function AgentRow({ person, onSaved }) {
	const [skills, setSkills] = useState(Object.entries(person.skills).map(([name, level]) => ({ name, level: String(level) })));
	const [capacity, setCapacity] = useState(String(person.capacity));
	const [error, setError] = useState(null);
	const [notice, setNotice] = useState(null);
	const [busy, setBusy] = useState(false);
	const id = 'agent-' + person.id;
	async function save() {
		setBusy(true);
		setError(null);
		setNotice(null);
		const body = { skills: Object.fromEntries(skills.filter((s) => s.name.trim()).map((s) => [s.name.trim(), Number(s.level)])) };
		const cap = capacity.trim();
		body.capacity = /^\d+$/.test(cap) ? Number(cap) : cap;
		try {
			await api.put('/admin/agents/' + person.id, body);
			setNotice('Saved.');
			onSaved();
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}
	const edit = (i, field) => (e) => {
		const v = e.currentTarget.value;
		setSkills((list) => list.map((s, k) => (k === i ? { ...s, [field]: v } : s)));
	};
	return html`<tbody data-testid=${id}><tr>
		<td>${person.name}<br /><span class="muted">${person.role} · ${person.availability}</span></td>
		<td>${person.teams.join(', ') || '—'}</td>
		<td>${skills.map((s, i) => html`<div key=${i} class="button-row">
				<input type="text" maxlength="60" aria-label="Skill" data-testid=${id + '-skill-' + i} value=${s.name} onInput=${edit(i, 'name')} />
				<select aria-label="Level" data-testid=${id + '-level-' + i} value=${s.level} onChange=${edit(i, 'level')}>
					${[1, 2, 3, 4, 5].map((l) => html`<option key=${l} value=${String(l)}>${l}</option>`)}</select>
				<button type="button" class="btn btn-small" data-testid=${id + '-remove-' + i}
					onClick=${() => setSkills((list) => list.filter((_, k) => k !== i))}>Remove</button></div>`)}
			<button type="button" class="btn btn-small" data-testid=${id + '-add-skill'}
				onClick=${() => setSkills((list) => [...list, { name: '', level: '3' }])}>Add skill</button></td>
		<td><input type="text" inputmode="numeric" class="input-narrow" aria-label="Capacity" data-testid=${id + '-capacity'} value=${capacity}
			onInput=${(e) => setCapacity(e.currentTarget.value)} /></td>
		<td><button type="button" class="btn btn-small btn-primary" disabled=${busy} data-testid=${id + '-save'} onClick=${save}>Save</button>
			${notice && html`<span class="muted" data-testid=${id + '-saved'}> ${notice}</span>`}</td>
	</tr>
	${error && html`<tr class="row-error"><td colspan="5"><${RowErrors} error=${error} testid=${id + '-error'} /></td></tr>`}
	</tbody>`;
}

/* ---------- categories ---------- */

export function CategorySettings() {
	const [data, error, reload] = useLists(['/admin/categories', '/admin/teams', '/admin/pipelines']);
	if (!data) return html`<${Page} title="Categories" testid="category-settings" error=${error}><${Loading} /></${Page}>`;
	const [categories, teams, pipelines] = data;
	return html`<${Page} title="Categories" testid="category-settings" error=${error}
		intro="What a ticket is about. Customers and staff pick a category when they raise a ticket; it decides the pipeline, the team the router picks from and the skill it looks for.">
		<div class="table-scroll"><table class="table">
			<thead><tr><th>Name</th><th>Skill needed</th><th>Pipeline</th><th>Team</th><th></th></tr></thead>
			${categories.map((c) => html`<${CategoryRow} key=${c.id} category=${c} teams=${teams} pipelines=${pipelines} onSaved=${reload} />`)}
			<${CategoryRow} key=${'new' + categories.length} category=${null} teams=${teams} pipelines=${pipelines} onSaved=${reload} />
		</table></div>
	</${Page}>`;
}

function CategoryRow({ category, teams, pipelines, onSaved }) {
	const [form, setForm] = useState({
		name: category ? category.name : '',
		skill: category ? category.skill : '',
		pipeline: category ? category.pipeline : '',
		team: category && category.team ? String(category.team.id) : '',
	});
	const [error, setError] = useState(null);
	const [notice, setNotice] = useState(null);
	const [busy, setBusy] = useState(false);
	const id = category ? 'category-' + category.id : 'category-new';
	const set = (f) => (e) => { const v = e.currentTarget.value; setForm((x) => ({ ...x, [f]: v })); };
	async function save() {
		setBusy(true);
		setError(null);
		setNotice(null);
		const body = { name: form.name.trim(), skill: form.skill.trim(), pipeline: form.pipeline || null, team_id: form.team ? Number(form.team) : null };
		try {
			if (category) await api.put('/admin/categories/' + category.id, body);
			else await api.post('/admin/categories', body);
			setNotice('Saved.');
			if (!category) setForm({ name: '', skill: '', pipeline: '', team: '' });
			onSaved();
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}
	const bad = (p) => (messages(error, p).length ? 'is-invalid' : '');
	return html`<tbody data-testid=${id}><tr>
		<td><input type="text" maxlength="60" aria-label="Category name" class=${bad('/name')} data-testid=${id + '-name'} value=${form.name}
			placeholder=${category ? '' : 'New category'} onInput=${set('name')} /></td>
		<td><input type="text" maxlength="60" aria-label="Skill" class=${bad('/skill')} data-testid=${id + '-skill'} value=${form.skill} onInput=${set('skill')} /></td>
		<td><select aria-label="Pipeline" data-testid=${id + '-pipeline'} value=${form.pipeline} onChange=${set('pipeline')}>
			<option value="">Default pipeline</option>
			${pipelines.map((p) => html`<option key=${p.key} value=${p.key}>${p.name}</option>`)}</select></td>
		<td><select aria-label="Team" data-testid=${id + '-team'} value=${form.team} onChange=${set('team')}>
			<option value="">The pipeline's</option>
			${teams.map((t) => html`<option key=${t.id} value=${String(t.id)}>${t.name}</option>`)}</select></td>
		<td><button type="button" class="btn btn-small btn-primary" disabled=${busy} data-testid=${id + '-save'} onClick=${save}>${category ? 'Save' : 'Add'}</button>
			${notice && html`<span class="muted" data-testid=${id + '-saved'}> ${notice}</span>`}</td>
	</tr>
	${error && html`<tr class="row-error"><td colspan="5"><${RowErrors} error=${error} testid=${id + '-error'} /></td></tr>`}
	</tbody>`;
}
