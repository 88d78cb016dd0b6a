// Package ui is the console's Fyne front end. It holds no rule of its own:
// it asks app.Console what the session may do and shows what the console
// answers, in the user's language.
//
// This package is the shell: Run, the login, the main screen with its
// header and the recordings' alarm line, and the registry of screens
// (screens.go). The screens live in packages of their own, each taking
// the small part of the console it uses (Deps, console.go); they share
// ui/look (theme, translations, labels, Env) and never import the shell.
//
// The screens, and who sees them:
//
//   - login (login.go): name, password and language, with the demo accounts
//     on the simulated zone; everyone, before a session.
//   - main screen (mainscreen.go): zone, user, logout, the tabs of the role,
//     and the recordings' alarm for a team chief or an administrator.
//   - wall (ui/wall): the camera tree and the video wall of 1 to 16 tiles,
//     each an audited live view opened under a justification (the prompt in
//     ui/wall/justify.go); roles that may watch live (dispatcher, team
//     chief, guard with a chief present, municipal operator with a grant).
//   - hits (ui/hits): the hit alerts of the shift, with crop, match, list
//     entry and history, Confirm, Reject and Send; those who handle hits.
//   - map (ui/hits): the zone map with cameras, patrols and the newest hit,
//     beside the patrol list; those who dispatch.
//   - rounds (ui/rounds): the virtual patrol rounds, run on a 1 or 2x2 wall
//     with observations and patrol dispatch, and the round editor for a
//     team chief or an administrator; those who run rounds.
//   - watching (ui/review): who watches which camera now, since when and
//     why; the team chief.
//   - review (ui/review): the audit trail by person, camera, justification
//     and period, with the chain's verification and CSV/HTML exports; team
//     chief and DPO.
//   - round reports (ui/rounds): the rounds of a period with their visits,
//     and the coverage with the cameras nobody looked at; team chief and DPO.
//   - playback (ui/playback): up to four cameras' recordings on one clock,
//     timelines of recorded, missing and held periods, speeds, frame steps,
//     and the evidence export with progress; those who may play back.
//   - search (ui/search): the retroactive search of ANPR passages (partial
//     plates, window, cameras or place, country, colour) with a motivation
//     and a case, results with crops and on a map; investigators.
//   - holds (ui/holds): evidence holds on recorded footage, placed for a
//     case and released when it closes; investigators, team chiefs, the DPO.
//   - grants (ui/grants): a municipal operator's live access to the town's
//     own cameras for an event or an emergency, given and revoked, held at
//     every console of the room; team chiefs.
//   - lists (ui/hits): the hotlist import with every error by line, and the
//     versions of every list; the administrator.
//   - accounts (ui/accounts): create, disable, re-enable, re-role and delete
//     users, set passwords; the administrator.
//
// ui/internal/uitest is the tests' shared harness (the UI-thread loop and
// the window child that grabs a screenshot under X).
package ui
