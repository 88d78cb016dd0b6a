package sim

import "math"

// LatLon is a WGS84 position in degrees.
type LatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Street is one named road of the zone as a polyline, for an offline map.
type Street struct {
	Name   string   `json:"name"`
	Points []LatLon `json:"points"`
}

// junctions are the points roads share; streets are drawn through them so
// that the patrols' road graph is connected. Positions are near the real
// roads of Borgloon but simplified.
var junctions = map[string]LatLon{
	"markt":         {50.80231, 5.34393},
	"kogelstraat":   {50.80290, 5.34210},
	"n79west":       {50.80400, 5.33300},
	"stt-anpr":      {50.80712, 5.32205},
	"stt-far":       {50.80980, 5.30950},
	"geloesplein":   {50.80155, 5.34620},
	"tongersejunct": {50.80000, 5.35000},
	"carrefour":     {50.79790, 5.35280},
	"tong-anpr":     {50.79588, 5.36012},
	"tong-far":      {50.79200, 5.37200},
	"stationsstr":   {50.80045, 5.34105},
	"station":       {50.79800, 5.33800},
	"speelhof":      {50.80390, 5.34780},
	"speelhofnorth": {50.80600, 5.35000},
	"hasselt1":      {50.80750, 5.34400},
	"kerniel":       {50.81290, 5.35560},
	"kerniel-east":  {50.81500, 5.36200},
	"rijkel":        {50.79450, 5.31150},
	"grootloon1":    {50.79000, 5.34600},
	"grootloon":     {50.78410, 5.35610},
}

var streetPlan = []struct {
	name   string
	points []string
}{
	{"N79 Sint-Truidersteenweg", []string{"stt-far", "stt-anpr", "n79west"}},
	{"Tongersestraat", []string{"n79west", "kogelstraat", "markt"}},
	{"N79 Tongersesteenweg", []string{"markt", "geloesplein", "tongersejunct", "carrefour", "tong-anpr", "tong-far"}},
	{"Stationsstraat", []string{"markt", "stationsstr", "station"}},
	{"Speelhof", []string{"markt", "speelhof", "speelhofnorth"}},
	{"Fruitstraat", []string{"speelhofnorth", "tongersejunct"}},
	{"Hasseltsesteenweg", []string{"markt", "hasselt1", "kerniel"}},
	{"Kloosterstraat", []string{"kerniel", "kerniel-east"}},
	{"Rijkelstraat", []string{"n79west", "rijkel"}},
	{"Groot-Loonstraat", []string{"station", "grootloon1", "grootloon"}},
	{"Kerkstraat", []string{"kogelstraat", "hasselt1"}},
}

// Streets returns the zone's roads as polylines, for drawing an offline
// map; patrols drive along them.
func (z *Zone) Streets() []Street { return streets() }

func streets() []Street {
	out := make([]Street, 0, len(streetPlan))
	for _, s := range streetPlan {
		st := Street{Name: s.name}
		for _, p := range s.points {
			st.Points = append(st.Points, junctions[p])
		}
		out = append(out, st)
	}
	return out
}

// metres returns the planar offset of b from a (east, north), good enough
// over a few kilometres.
func metres(a, b LatLon) (float64, float64) {
	const mPerDegLat = 111_132.0
	mPerDegLon := 111_320.0 * math.Cos(a.Lat*math.Pi/180)
	return (b.Lon - a.Lon) * mPerDegLon, (b.Lat - a.Lat) * mPerDegLat
}

func distance(a, b LatLon) float64 {
	dx, dy := metres(a, b)
	return math.Hypot(dx, dy)
}

func lerp(a, b LatLon, f float64) LatLon {
	return LatLon{a.Lat + (b.Lat-a.Lat)*f, a.Lon + (b.Lon-a.Lon)*f}
}

// roadGraph is the street plan as nodes and undirected edges.
type roadGraph struct {
	nodes []LatLon
	adj   [][]int
}

func newRoadGraph() *roadGraph {
	g := &roadGraph{}
	index := map[LatLon]int{}
	node := func(p LatLon) int {
		if i, ok := index[p]; ok {
			return i
		}
		index[p] = len(g.nodes)
		g.nodes = append(g.nodes, p)
		g.adj = append(g.adj, nil)
		return len(g.nodes) - 1
	}
	for _, s := range streets() {
		for i := 1; i < len(s.Points); i++ {
			a, b := node(s.Points[i-1]), node(s.Points[i])
			g.adj[a] = append(g.adj[a], b)
			g.adj[b] = append(g.adj[b], a)
		}
	}
	return g
}

func (g *roadGraph) nearest(p LatLon) int {
	best, bd := 0, math.Inf(1)
	for i, n := range g.nodes {
		if d := distance(p, n); d < bd {
			best, bd = i, d
		}
	}
	return best
}

// route returns the nodes after from on a shortest path to to (Dijkstra;
// the graph has a few dozen nodes).
func (g *roadGraph) route(from, to int) []int {
	dist := make([]float64, len(g.nodes))
	prev := make([]int, len(g.nodes))
	done := make([]bool, len(g.nodes))
	for i := range dist {
		dist[i], prev[i] = math.Inf(1), -1
	}
	dist[from] = 0
	for {
		u := -1
		for i := range dist {
			if !done[i] && !math.IsInf(dist[i], 1) && (u < 0 || dist[i] < dist[u]) {
				u = i
			}
		}
		if u < 0 || u == to {
			break
		}
		done[u] = true
		for _, v := range g.adj[u] {
			if d := dist[u] + distance(g.nodes[u], g.nodes[v]); d < dist[v] {
				dist[v], prev[v] = d, u
			}
		}
	}
	if from != to && prev[to] < 0 {
		return nil
	}
	var path []int
	for n := to; n != from; n = prev[n] {
		path = append([]int{n}, path...)
	}
	return path
}
