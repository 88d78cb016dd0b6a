package policy

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// rightsGrid is SPEC.md's role table, written independently of role.go so
// the grid test is a second opinion, not a copy. Letters:
//
//   - never (role_not_permitted, whatever the justification)
//     L  live-type: any justification kind
//     A  any justification kind (no footage involved)
//     R  virtual_patrol only
//     F  recorded data: administrative or judicial; after 30 days judicial with
//     an authorisation reference; after a year only under an evidence hold
//     G  event or emergency only (grants)
//     H  administrative or judicial (evidence holds)
//     D  administrative only (data-subject requests)
//     M  municipal live: event or emergency, and a team chief's grant
//     P  municipal playback: administrative or judicial, never older than 30 days
//     J  recorded data on a judicial ground only (an export without masks)
const rightsGrid = `
role                live play expo anpr hit  disp ptz  rrun redt revw lrev grnt sett list hold dsar unmk
dispatcher          L    F    F    -    L    L    L    R    -    -    -    -    -    -    -    -    -
team_chief          L    F    F    -    L    L    L    R    A    A    A    G    -    -    H    -    -
security_guard      L    -    -    -    -    L    L    R    -    -    -    -    -    -    -    -    -
investigator        -    F    F    F    -    -    -    -    -    -    -    -    -    -    H    -    J
municipal_operator  M    P    -    -    -    -    -    -    -    -    -    -    -    -    -    -    -
dpo                 -    -    -    -    -    -    -    -    -    A    -    -    -    -    H    D    -
admin               -    -    -    -    -    -    -    -    A    -    -    -    A    A    -    -    -
`

var gridColumns = map[string]Action{
	"live": ActLive, "play": ActPlayback, "expo": ActExport, "anpr": ActANPRSearch, "hit": ActHitHandle,
	"disp": ActDispatch, "ptz": ActPTZ, "rrun": ActRoundRun, "redt": ActRoundEdit, "revw": ActReview,
	"lrev": ActLiveReview, "grnt": ActGrant, "sett": ActSettings, "list": ActLists, "hold": ActHold, "dsar": ActDSAR, "unmk": ActExportUnmasked,
}

func parseGrid(t *testing.T) map[Role]map[Action]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(rightsGrid), "\n")
	head := strings.Fields(lines[0])[1:]
	out := map[Role]map[Action]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != len(head)+1 {
			t.Fatalf("grid row %q: %d cells, want %d", l, len(f)-1, len(head))
		}
		row := map[Action]string{}
		for i, h := range head {
			a, ok := gridColumns[h]
			if !ok {
				t.Fatalf("grid column %q unknown", h)
			}
			row[a] = f[i+1]
		}
		out[Role(f[0])] = row
	}
	return out
}

type gridReason struct {
	name string
	why  Reason
}

var gridReasons = []gridReason{
	{"none", Reason{}},
	{"operational", Reason{Kind: JustShift, Text: "dispatch shift"}},
	{"event", Reason{Kind: JustEvent, Ref: "Fietsfeesten"}},
	{"emergency", Reason{Kind: JustEmergency, Ref: "INC-2026-77"}},
	{"round", Reason{Kind: JustRound, Ref: "Stationsbuurt"}},
	{"administrative", Reason{Kind: JustAdmin, Ref: "BM-2026-12", Text: "overlast stationsplein"}},
	{"judicial", Reason{Kind: JustJudicial, Ref: "HA.12.L3.1234/26", Text: "diefstal met geweld"}},
	{"judicial+auth", Reason{Kind: JustJudicial, Ref: "HA.12.L3.1234/26", Text: "diefstal met geweld", AuthRef: "ONDERZ 45/26"}},
}

type gridAge struct {
	name string
	live bool
	age  time.Duration
	hold bool
}

var gridAges = []gridAge{
	{"live", true, 0, false},
	{"1d", false, 1 * day, false},
	{"29d", false, 29 * day, false},
	{"31d", false, 31 * day, false},
	{"366d", false, 366 * day, false},
	{"366d+hold", false, 366 * day, true},
}

// expect is the grid's letter turned into the code the policy must give.
func expect(letter string, r gridReason, a gridAge) string {
	if letter == "-" {
		return CodeRoleNotPermitted
	}
	if r.name == "none" {
		return CodeJustificationRequired
	}
	in := func(names ...string) bool {
		for _, n := range names {
			if r.name == n {
				return true
			}
		}
		return false
	}
	judicial := []string{"judicial", "judicial+auth"}
	switch letter {
	case "L", "A":
		return CodeAllowed
	case "R":
		if in("round") {
			return CodeAllowed
		}
	case "G", "M":
		if in("event", "emergency") {
			return CodeAllowed
		}
	case "H":
		if in(append(judicial, "administrative")...) {
			return CodeAllowed
		}
	case "D":
		if in("administrative") {
			return CodeAllowed
		}
	case "P":
		if !in(append(judicial, "administrative")...) {
			return CodeJustificationKindNotAllowed
		}
		if a.age > 30*day {
			return CodeMunicipalOver30Days
		}
		return CodeAllowed
	case "F", "J":
		if !in(append(judicial, "administrative")...) || (letter == "J" && !in(judicial...)) {
			return CodeJustificationKindNotAllowed
		}
		switch {
		case a.age > 365*day && !a.hold:
			return CodeRetentionExpired
		case a.age <= 30*day:
			return CodeAllowed
		case !in(judicial...):
			return CodeOver30DaysNeedsJudicial
		case r.name != "judicial+auth":
			return CodeOver30DaysNeedsAuthorisation
		}
		return CodeAllowed
	}
	return CodeJustificationKindNotAllowed
}

// gridSubject gives each role the circumstances under which its grid row
// holds: the guard's team chief is in the room, the municipal operator has a
// grant for the camera, which belongs to their municipality.
func gridSubject(r Role) Subject {
	s := Subject{User: "u-" + string(r), Role: r, Console: "c1", Room: "dispatch", SupervisorPresent: true}
	if r == RoleMunicipal {
		s.Municipality = "Borgloon"
		s.Grants = []Grant{{ID: "g1", To: s.User, By: "chief", Cameras: []string{"cam-1"},
			From: t0.Add(-time.Hour), Until: t0.Add(time.Hour), Reason: Reason{Kind: JustEvent, Ref: "Fietsfeesten"}}}
	}
	return s
}

func TestPolicyGrid(t *testing.T) {
	grid := parseGrid(t)
	if len(grid) != len(Roles()) {
		t.Fatalf("grid has %d roles, want %d", len(grid), len(Roles()))
	}
	cells := 0
	for _, role := range Roles() {
		row, ok := grid[role]
		if !ok {
			t.Fatalf("grid lacks role %s", role)
		}
		for _, act := range Actions() {
			letter, ok := row[act]
			if !ok {
				t.Fatalf("grid lacks %s/%s", role, act)
			}
			for _, age := range gridAges {
				for _, r := range gridReasons {
					res := Resource{Camera: "cam-1", Owner: OwnerMunicipality, Municipality: "Borgloon",
						Live: age.live, FootageAge: age.age, EvidenceHold: age.hold, Plate: "1ABC123"}
					got := Policy{}.Decide(gridSubject(role), act, res, r.why, t0)
					want := expect(letter, r, age)
					cells++
					if got.Code != want || got.Allow != (want == CodeAllowed) {
						t.Errorf("Decide(%s, %s, age %s, %s) = %v %s (%s), want %s",
							role, act, age.name, r.name, got.Allow, got.Code, got.Message, want)
					}
					if got.Message == "" {
						t.Errorf("Decide(%s, %s, %s, %s): empty message", role, act, age.name, r.name)
					}
				}
			}
		}
	}
	if want := 7 * 17 * 6 * 8; cells != want {
		t.Fatalf("walked %d cells, want %d", cells, want)
	}
}

// TestRoleMayMatchesGrid keeps the UI's greying (RoleMay) in line with the spec.
func TestRoleMayMatchesGrid(t *testing.T) {
	grid := parseGrid(t)
	for _, role := range Roles() {
		for _, act := range Actions() {
			if got, want := RoleMay(role, act), grid[role][act] != "-"; got != want {
				t.Errorf("RoleMay(%s, %s) = %v, want %v", role, act, got, want)
			}
		}
	}
	if RoleMay("chief_of_police", ActLive) {
		t.Error("RoleMay of an unknown role is true")
	}
}

type decideCase struct {
	name string
	subj Subject
	act  Action
	res  Resource
	why  Reason
	want string
}

func runDecide(t *testing.T, cases []decideCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Policy{}.Decide(tc.subj, tc.act, tc.res, tc.why, t0)
			if got.Code != tc.want || got.Allow != (tc.want == CodeAllowed) {
				t.Errorf("Decide(%+v, %s, %+v, %v) = %+v, want %s", tc.subj, tc.act, tc.res, tc.why, got, tc.want)
			}
		})
	}
}

func subj(r Role) Subject { return Subject{User: "u", Role: r, Console: "c1", Room: "dispatch"} }

var (
	shift    = Reason{Kind: JustShift}
	adminWhy = Reason{Kind: JustAdmin, Ref: "BM-2026-12", Text: "overlast"}
	caseWhy  = Reason{Kind: JustJudicial, Ref: "HA.12.L3.1234/26", Text: "diefstal"}
	authWhy  = Reason{Kind: JustJudicial, Ref: "HA.12.L3.1234/26", Text: "diefstal", AuthRef: "ONDERZ 45/26"}
	cam      = Resource{Camera: "cam-1", Owner: OwnerPolice, Live: true}
)

func recorded(age time.Duration) Resource {
	return Resource{Camera: "cam-1", Owner: OwnerPolice, FootageAge: age}
}

func TestDispatcherRights(t *testing.T) {
	d := subj(RoleDispatcher)
	runDecide(t, []decideCase{
		{"live on shift", d, ActLive, cam, shift, CodeAllowed},
		{"round", d, ActRoundRun, Resource{}, Reason{Kind: JustRound, Ref: "Stationsbuurt"}, CodeAllowed},
		{"round under shift reason", d, ActRoundRun, Resource{}, shift, CodeJustificationKindNotAllowed},
		{"ptz", d, ActPTZ, cam, shift, CodeAllowed},
		{"hit", d, ActHitHandle, cam, shift, CodeAllowed},
		{"dispatch", d, ActDispatch, Resource{}, Reason{Kind: JustEmergency, Ref: "INC-7"}, CodeAllowed},
		{"playback 30 days administrative", d, ActPlayback, recorded(30 * day), adminWhy, CodeAllowed},
		{"playback on shift reason", d, ActPlayback, recorded(day), shift, CodeJustificationKindNotAllowed},
		{"no anpr search", d, ActANPRSearch, Resource{Plate: "1ABC123"}, adminWhy, CodeRoleNotPermitted},
		{"no review", d, ActReview, Resource{}, shift, CodeRoleNotPermitted},
		{"no grant", d, ActGrant, Resource{}, Reason{Kind: JustEvent, Ref: "x"}, CodeRoleNotPermitted},
		{"no settings", d, ActSettings, Resource{}, shift, CodeRoleNotPermitted},
	})
}

func TestTeamChiefRights(t *testing.T) {
	c := subj(RoleTeamChief)
	runDecide(t, []decideCase{
		{"live", c, ActLive, cam, shift, CodeAllowed},
		{"live review", c, ActLiveReview, Resource{}, shift, CodeAllowed},
		{"audit review", c, ActReview, Resource{}, shift, CodeAllowed},
		{"grant for event", c, ActGrant, Resource{}, Reason{Kind: JustEvent, Ref: "Fietsfeesten"}, CodeAllowed},
		{"grant without event name", c, ActGrant, Resource{}, Reason{Kind: JustEvent}, CodeJustificationRefRequired},
		{"grant on shift reason", c, ActGrant, Resource{}, shift, CodeJustificationKindNotAllowed},
		{"edit round", c, ActRoundEdit, Resource{}, shift, CodeAllowed},
		{"no settings", c, ActSettings, Resource{}, shift, CodeRoleNotPermitted},
	})
}

func TestGuardLiveOnlyUnderSupervision(t *testing.T) {
	alone := subj(RoleSecurityGuard)
	watched := alone
	watched.SupervisorPresent = true
	runDecide(t, []decideCase{
		{"live alone", alone, ActLive, cam, shift, CodeGuardWithoutSupervisor},
		{"round alone", alone, ActRoundRun, Resource{}, Reason{Kind: JustRound, Ref: "Winkelwandelgebied"}, CodeGuardWithoutSupervisor},
		{"ptz alone", alone, ActPTZ, cam, shift, CodeGuardWithoutSupervisor},
		{"live supervised", watched, ActLive, cam, shift, CodeAllowed},
		{"round supervised", watched, ActRoundRun, Resource{}, Reason{Kind: JustRound, Ref: "Winkelwandelgebied"}, CodeAllowed},
		{"never recorded footage", watched, ActPlayback, recorded(day), adminWhy, CodeRoleNotPermitted},
		{"never anpr search", watched, ActANPRSearch, Resource{Plate: "1ABC123"}, adminWhy, CodeRoleNotPermitted},
		{"never export", watched, ActExport, recorded(day), caseWhy, CodeRoleNotPermitted},
		{"never hotlist hits", watched, ActHitHandle, cam, shift, CodeRoleNotPermitted},
	})
}

func TestInvestigatorCaseAndAuthorisation(t *testing.T) {
	i := subj(RoleInvestigator)
	search := func(age time.Duration) Resource { return Resource{Plate: "1AB?1*", FootageAge: age} }
	runDecide(t, []decideCase{
		{"search with case", i, ActANPRSearch, search(2 * day), caseWhy, CodeAllowed},
		{"search without case ref", i, ActANPRSearch, search(2 * day), Reason{Kind: JustJudicial, Text: "x"}, CodeJustificationRefRequired},
		{"search without motivation", i, ActANPRSearch, search(2 * day), Reason{Kind: JustJudicial, Ref: "HA.1"}, CodeMotivationRequired},
		{"search 31 days without authorisation", i, ActANPRSearch, search(31 * day), caseWhy, CodeOver30DaysNeedsAuthorisation},
		{"search 31 days with authorisation", i, ActANPRSearch, search(31 * day), authWhy, CodeAllowed},
		{"playback 31 days administrative", i, ActPlayback, recorded(31 * day), adminWhy, CodeOver30DaysNeedsJudicial},
		{"playback 31 days authorised", i, ActPlayback, recorded(31 * day), authWhy, CodeAllowed},
		{"export 10 days with case", i, ActExport, recorded(10 * day), caseWhy, CodeAllowed},
		{"no live view", i, ActLive, cam, caseWhy, CodeRoleNotPermitted},
	})
}

func TestMunicipalOwnCamerasOnly(t *testing.T) {
	m := subj(RoleMunicipal)
	m.Municipality = "Borgloon"
	own := Resource{Camera: "stad-1", Owner: OwnerMunicipality, Municipality: "Borgloon", FootageAge: 3 * day}
	other := own
	other.Municipality = "Heers"
	police := own
	police.Owner = OwnerPolice
	noTown := m
	noTown.Municipality = ""
	runDecide(t, []decideCase{
		{"own camera recorded", m, ActPlayback, own, adminWhy, CodeAllowed},
		{"other municipality's camera", m, ActPlayback, other, adminWhy, CodeMunicipalOwnCamerasOnly},
		{"police camera", m, ActPlayback, police, adminWhy, CodeMunicipalOwnCamerasOnly},
		{"operator without municipality", noTown, ActPlayback, Resource{Camera: "x", Owner: OwnerMunicipality}, adminWhy, CodeMunicipalOwnCamerasOnly},
		{"own camera 31 days", m, ActPlayback, Resource{Camera: "stad-1", Owner: OwnerMunicipality, Municipality: "Borgloon", FootageAge: 31 * day}, adminWhy, CodeMunicipalOver30Days},
		// Issue 16 item 5: no ground opens older footage to city staff, not even
		// a judicial case with an authorisation, nor an evidence hold.
		{"own camera 31 days judicial authorised", m, ActPlayback, Resource{Camera: "stad-1", Owner: OwnerMunicipality, Municipality: "Borgloon", FootageAge: 31 * day}, authWhy, CodeMunicipalOver30Days},
		{"own camera 400 days held", m, ActPlayback, Resource{Camera: "stad-1", Owner: OwnerMunicipality, Municipality: "Borgloon", FootageAge: 400 * day, EvidenceHold: true}, authWhy, CodeMunicipalOver30Days},
		{"own camera 30 days exactly", m, ActPlayback, Resource{Camera: "stad-1", Owner: OwnerMunicipality, Municipality: "Borgloon", FootageAge: 30 * day}, adminWhy, CodeAllowed},
		{"no export", m, ActExport, own, adminWhy, CodeRoleNotPermitted},
		{"no anpr search", m, ActANPRSearch, Resource{Plate: "1ABC123"}, adminWhy, CodeRoleNotPermitted},
	})
}

func TestMunicipalLiveOnlyUnderGrant(t *testing.T) {
	event := Reason{Kind: JustEvent, Ref: "Fietsfeesten"}
	with := func(gs ...Grant) Subject {
		s := subj(RoleMunicipal)
		s.User, s.Municipality, s.Grants = "stad", "Borgloon", gs
		return s
	}
	g := Grant{ID: "g", To: "stad", By: "chief", Cameras: []string{"cam-1", "cam-2"}, From: t0.Add(-time.Hour), Until: t0.Add(time.Hour), Reason: event}
	ended, future, otherUser := g, g, g
	ended.Until = t0
	future.From = t0.Add(time.Minute)
	otherUser.To = "someone-else"
	runDecide(t, []decideCase{
		{"no grant", with(), ActLive, cam, event, CodeGrantRequired},
		{"grant covers camera", with(g), ActLive, cam, event, CodeAllowed},
		{"grant for emergency reason", with(g), ActLive, cam, Reason{Kind: JustEmergency, Ref: "brand markt"}, CodeAllowed},
		{"grant, shift reason", with(g), ActLive, cam, shift, CodeJustificationKindNotAllowed},
		{"grant for other camera", with(g), ActLive, Resource{Camera: "cam-9", Live: true}, event, CodeGrantRequired},
		{"grant ended at now", with(ended), ActLive, cam, event, CodeGrantExpired},
		{"grant not begun", with(future), ActLive, cam, event, CodeGrantExpired},
		{"someone else's grant", with(otherUser), ActLive, cam, event, CodeGrantRequired},
		{"grant does not open covert camera", with(g), ActLive, Resource{Camera: "cam-1", Covert: true, Live: true}, event, CodeCovertNeedsJudicial},
		{"grant does not give ptz", with(g), ActPTZ, cam, event, CodeRoleNotPermitted},
	})
}

func TestDPONoLiveView(t *testing.T) {
	d := subj(RoleDPO)
	runDecide(t, []decideCase{
		{"no live", d, ActLive, cam, shift, CodeRoleNotPermitted},
		{"no live review", d, ActLiveReview, Resource{}, shift, CodeRoleNotPermitted},
		{"no playback", d, ActPlayback, recorded(day), adminWhy, CodeRoleNotPermitted},
		{"audit review", d, ActReview, Resource{}, adminWhy, CodeAllowed},
		{"dsar", d, ActDSAR, Resource{Plate: "1ABC123"}, Reason{Kind: JustAdmin, Ref: "DSAR-2026-3"}, CodeAllowed},
		{"dsar on judicial reason", d, ActDSAR, Resource{}, caseWhy, CodeJustificationKindNotAllowed},
		{"evidence hold", d, ActHold, Resource{Case: "HA.1"}, caseWhy, CodeAllowed},
	})
}

func TestAdminNoLiveView(t *testing.T) {
	a := subj(RoleAdmin)
	runDecide(t, []decideCase{
		{"no live", a, ActLive, cam, shift, CodeRoleNotPermitted},
		{"no playback", a, ActPlayback, recorded(day), adminWhy, CodeRoleNotPermitted},
		{"settings", a, ActSettings, Resource{Target: "user:jan"}, Reason{Kind: JustAdmin, Ref: "TICKET-9"}, CodeAllowed},
		{"lists", a, ActLists, Resource{Target: "list:seiningen"}, Reason{Kind: JustAdmin, Ref: "TICKET-9"}, CodeAllowed},
		{"round edit", a, ActRoundEdit, Resource{Target: "round:Stationsbuurt"}, shift, CodeAllowed},
		{"settings without reason", a, ActSettings, Resource{}, Reason{}, CodeJustificationRequired},
	})
}

func TestFootageAgeRules(t *testing.T) {
	d := subj(RoleDispatcher)
	held := func(age time.Duration) Resource { r := recorded(age); r.EvidenceHold = true; return r }
	runDecide(t, []decideCase{
		{"exactly 30 days administrative", d, ActPlayback, recorded(30 * day), adminWhy, CodeAllowed},
		{"30 days and a second administrative", d, ActPlayback, recorded(30*day + time.Second), adminWhy, CodeOver30DaysNeedsJudicial},
		{"30 days and a second judicial without authorisation", d, ActPlayback, recorded(30*day + time.Second), caseWhy, CodeOver30DaysNeedsAuthorisation},
		{"blank authorisation", d, ActPlayback, recorded(31 * day), Reason{Kind: JustJudicial, Ref: "HA.1", AuthRef: "  "}, CodeOver30DaysNeedsAuthorisation},
		{"31 days judicial with authorisation", d, ActPlayback, recorded(31 * day), authWhy, CodeAllowed},
		{"exactly one year", d, ActPlayback, recorded(365 * day), authWhy, CodeAllowed},
		{"one year and a second", d, ActPlayback, recorded(365*day + time.Second), authWhy, CodeRetentionExpired},
		{"two years under hold, authorised", d, ActExport, held(730 * day), authWhy, CodeAllowed},
		{"under hold still needs authorisation", d, ActExport, held(400 * day), caseWhy, CodeOver30DaysNeedsAuthorisation},
		{"under hold, recent, administrative", d, ActPlayback, held(day), adminWhy, CodeAllowed},
		{"negative age", d, ActPlayback, recorded(-time.Hour), adminWhy, CodeFootageAgeInvalid},
	})
}

func TestCovertOnlyJudicial(t *testing.T) {
	covert := Resource{Camera: "anpr-mobile-1", Owner: OwnerPolice, Covert: true, Live: true}
	old := Resource{Camera: "anpr-mobile-1", Owner: OwnerPolice, Covert: true, FootageAge: 2 * day}
	runDecide(t, []decideCase{
		{"live on shift", subj(RoleDispatcher), ActLive, covert, shift, CodeCovertNeedsJudicial},
		{"live in emergency", subj(RoleDispatcher), ActLive, covert, Reason{Kind: JustEmergency, Ref: "INC"}, CodeCovertNeedsJudicial},
		{"live judicial", subj(RoleDispatcher), ActLive, covert, caseWhy, CodeAllowed},
		{"hit from covert camera on shift", subj(RoleDispatcher), ActHitHandle, covert, shift, CodeCovertNeedsJudicial},
		{"playback administrative", subj(RoleInvestigator), ActPlayback, old, adminWhy, CodeCovertNeedsJudicial},
		{"playback judicial", subj(RoleInvestigator), ActPlayback, old, caseWhy, CodeAllowed},
	})
}

func TestUnknownRoleAndAction(t *testing.T) {
	runDecide(t, []decideCase{
		{"unknown role", Subject{Role: "mayor"}, ActLive, cam, shift, CodeRoleUnknown},
		{"empty role", Subject{}, ActLive, cam, shift, CodeRoleUnknown},
		{"unknown action", subj(RoleTeamChief), Action("delete_audit"), Resource{}, shift, CodeActionUnknown},
	})
}

func TestDecideIsPure(t *testing.T) {
	// Same input, same answer, whatever the wall clock says: Decide reads
	// only the now it is given.
	s := subj(RoleMunicipal)
	s.User, s.Municipality = "stad", "Borgloon"
	s.Grants = []Grant{{ID: "g", To: "stad", Cameras: []string{"cam-1"}, From: t0, Until: t0.Add(time.Hour)}}
	why := Reason{Kind: JustEvent, Ref: "x"}
	for i, tc := range []struct {
		now  time.Time
		want bool
	}{{t0.Add(-time.Second), false}, {t0, true}, {t0.Add(59 * time.Minute), true}, {t0.Add(time.Hour), false}} {
		for range 2 {
			if got := (Policy{}).Decide(s, ActLive, cam, why, tc.now).Allow; got != tc.want {
				t.Errorf("case %d: Decide at %s = %v, want %v", i, tc.now, got, tc.want)
			}
		}
	}
}

func ExamplePolicy_Decide() {
	guard := Subject{User: "bewaker", Role: RoleSecurityGuard, Room: "dispatch-borgloon"}
	d := Policy{}.Decide(guard, ActLive, Resource{Camera: "cam-3", Owner: OwnerPolice, Live: true},
		Reason{Kind: JustShift}, time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC))
	fmt.Println(d.Allow, d.Code)
	// Output: false guard_without_supervisor
}
