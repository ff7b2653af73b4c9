package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DemoOptions configure BuildDemo.
type DemoOptions struct {
	// Assets is how many assets to create (1 to MaxDemoAssets).
	Assets int
	// Seed makes the data reproducible: the same seed gives the same
	// people, locations, tags, serials and history.
	Seed int64
	// Progress, when set, is called now and then with the number of assets
	// written so far and the total.
	Progress func(done, total int)
	// Now anchors the demo's calendar (purchase dates, due dates, warranty
	// ends are relative to it). Default: time.Now.
	Now func() time.Time
}

// DemoVersion changes whenever BuildDemo makes different data, so that
// cached demo databases (the benchmarks keep one) are rebuilt.
const DemoVersion = 5

// MaxDemoAssets is the largest demo BuildDemo makes.
const MaxDemoAssets = 5_000_000

// DemoReport summarises a built demo database.
type DemoReport struct {
	Path           string         `json:"path"`
	Assets         int            `json:"assets"`
	People         int            `json:"people"`
	Locations      int            `json:"locations"`
	Models         int            `json:"models"`
	Suppliers      int            `json:"suppliers"`
	PurchaseOrders int            `json:"purchase_orders"`
	Events         int            `json:"events"`
	ByStatus       map[Status]int `json:"by_status"`
	Overdue        int            `json:"overdue"`
	WarrantySoon   int            `json:"warranty_soon"`
	Elapsed        time.Duration  `json:"elapsed_ns"`
}

// BuildDemo writes a realistic demo database to path: sites in five
// countries with buildings, rooms and storeroom shelves, people, a catalogue
// of real-looking models, suppliers, purchase orders, and assets in every
// status with a plausible history (check-outs, returns, repairs, losses,
// retirements, disposals with their records, overdue loans, warranties
// running out). Every change is a real event, so `verify` passes on it.
//
// The database is built in a temporary file next to path and renamed into
// place at the end, so a half-built demo is never seen. An existing file at
// path is replaced; callers decide whether that is allowed.
func BuildDemo(ctx context.Context, path string, opt DemoOptions) (DemoReport, error) {
	started := time.Now()
	rep := DemoReport{Path: path}
	if opt.Assets < 1 || opt.Assets > MaxDemoAssets {
		return rep, invalid("a demo needs between 1 and %d assets (got %d)", MaxDemoAssets, opt.Assets)
	}
	if path == "" {
		return rep, invalid("no path for the demo database")
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	g := newDemoGen(opt.Seed, opt.Assets, now().UTC())
	g.plan()

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return rep, fmt.Errorf("create demo folder: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".building-*")
	if err != nil {
		return rep, fmt.Errorf("create demo file: %w", err)
	}
	tmp := f.Name()
	f.Close()
	removeTmp := func() { removeDB(tmp) }
	fixed := g.now
	db, err := Open(ctx, tmp, Options{Unsafe: true, Operator: "demo", Now: func() time.Time { return fixed }})
	if err != nil {
		removeTmp()
		return rep, err
	}
	if err := g.write(ctx, db, opt.Progress); err != nil {
		db.Close()
		removeTmp()
		return rep, err
	}
	if err := demoReport(ctx, db, g, &rep); err != nil {
		db.Close()
		removeTmp()
		return rep, err
	}
	if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		db.Close()
		removeTmp()
		return rep, fmt.Errorf("checkpoint demo: %w", err)
	}
	if err := db.Close(); err != nil {
		removeTmp()
		return rep, fmt.Errorf("close demo: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			removeTmp()
			return rep, fmt.Errorf("remove old %s: %w", path+suffix, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		removeTmp()
		return rep, fmt.Errorf("move demo into place: %w", err)
	}
	removeTmp()
	rep.Elapsed = time.Since(started)
	return rep, nil
}

func demoReport(ctx context.Context, db *DB, g *demoGen, rep *DemoReport) error {
	var err error
	if rep.ByStatus, err = db.StatusCounts(ctx); err != nil {
		return err
	}
	today := g.now.Format(dateLayout)
	soon := g.now.AddDate(0, 0, 90).Format(dateLayout)
	for _, q := range []struct {
		dst   *int
		query string
		args  []any
	}{
		{&rep.Assets, `SELECT count(*) FROM assets`, nil},
		{&rep.People, `SELECT count(*) FROM people`, nil},
		{&rep.Locations, `SELECT count(*) FROM locations`, nil},
		{&rep.Models, `SELECT count(*) FROM models`, nil},
		{&rep.Suppliers, `SELECT count(*) FROM suppliers`, nil},
		{&rep.PurchaseOrders, `SELECT count(*) FROM purchase_orders`, nil},
		{&rep.Events, `SELECT count(*) FROM events`, nil},
		{&rep.Overdue, `SELECT count(*) FROM assets INDEXED BY assets_due WHERE status = 'deployed' AND due_date <> '' AND due_date < ?`, []any{today}},
		{&rep.WarrantySoon, `SELECT count(*) FROM assets WHERE warranty_end <> '' AND warranty_end >= ? AND warranty_end <= ? AND status NOT IN ('disposed', 'retired')`, []any{today, soon}},
	} {
		if err := db.r.QueryRowContext(ctx, q.query, q.args...).Scan(q.dst); err != nil {
			return fmt.Errorf("summarise demo: %w", err)
		}
	}
	return nil
}

// ---- the catalogue of the demo world ----

type demoSite struct {
	code, city, currency string
	fx                   float64 // per US dollar
	weight               int
	buildings            []string
	first, last          []string
	suppliers            []string
}

var demoSites = []demoSite{
	{"DUB", "Dublin", "EUR", 0.92, 20, []string{"Grand Canal Dock", "Sir John Rogerson's Quay"},
		[]string{"Aoife", "Ciara", "Niamh", "Siobhán", "Sinéad", "Orla", "Emma", "Sarah", "Gráinne", "Róisín", "Seán", "Conor", "Cian", "Darragh", "Eoin", "Pádraig", "Liam", "Oisín", "Ronan", "Fionn", "Declan", "Brian", "Aisling", "Maeve", "Cathal", "Colm", "Eimear", "Laura", "Mark", "David"},
		[]string{"Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "O'Brien", "Ryan", "O'Connor", "O'Neill", "O'Reilly", "Doyle", "McCarthy", "Gallagher", "Doherty", "Kennedy", "Lynch", "Murray", "Quinn", "Moore", "McLoughlin", "Carroll", "Connolly", "Daly", "Dunne", "Brennan", "Burke", "Collins", "Farrell", "Fitzgerald", "Nolan"},
		[]string{"Datapac", "Dell Technologies Ireland", "Computacenter Ireland"}},
	{"MAD", "Madrid", "EUR", 0.92, 15, []string{"Paseo de la Castellana"},
		[]string{"Lucía", "María", "Paula", "Laura", "Marta", "Sofía", "Carmen", "Elena", "Ana", "Isabel", "Alejandro", "Pablo", "Daniel", "Javier", "David", "Sergio", "Carlos", "Manuel", "Jorge", "Álvaro", "Adrián", "Diego", "Raúl", "Irene", "Cristina", "Beatriz", "Nuria", "Rocío", "Iván", "Rubén"},
		[]string{"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Molina"},
		[]string{"Bechtle España", "Insight Technology Solutions Spain"}},
	{"BLR", "Bangalore", "INR", 83.2, 25, []string{"Whitefield", "Electronic City"},
		[]string{"Aarav", "Vivaan", "Aditya", "Arjun", "Rohan", "Karthik", "Rahul", "Vikram", "Siddharth", "Pranav", "Anirudh", "Suresh", "Ramesh", "Harish", "Naveen", "Priya", "Ananya", "Diya", "Kavya", "Meera", "Lakshmi", "Divya", "Sneha", "Pooja", "Deepa", "Shreya", "Nandini", "Aishwarya", "Swati", "Keerthi"},
		[]string{"Sharma", "Iyer", "Reddy", "Nair", "Rao", "Patel", "Gupta", "Kumar", "Singh", "Menon", "Krishnan", "Subramanian", "Venkatesh", "Pillai", "Shetty", "Hegde", "Kulkarni", "Joshi", "Desai", "Mehta", "Bhat", "Naidu", "Chatterjee", "Banerjee", "Mukherjee", "Das", "Agarwal", "Verma", "Prasad", "Murthy"},
		[]string{"Redington India", "Ingram Micro India"}},
	{"NYC", "New York", "USD", 1.0, 20, []string{"Hudson Yards", "Park Avenue South"},
		[]string{"James", "Michael", "Robert", "John", "David", "William", "Christopher", "Matthew", "Joshua", "Andrew", "Tyler", "Brandon", "Kevin", "Jason", "Ryan", "Jennifer", "Jessica", "Ashley", "Emily", "Sarah", "Amanda", "Elizabeth", "Megan", "Lauren", "Rachel", "Nicole", "Stephanie", "Hannah", "Olivia", "Madison"},
		[]string{"Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Clark", "Lewis", "Lee", "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"},
		[]string{"CDW", "SHI International", "Insight Enterprises"}},
	{"LON", "London", "GBP", 0.79, 20, []string{"King's Cross", "Canary Wharf"},
		[]string{"Oliver", "George", "Harry", "Jack", "Charlie", "Thomas", "Oscar", "Alfie", "Henry", "Archie", "Joshua", "Samuel", "Daniel", "Edward", "Alexander", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Chloe", "Poppy", "Lily", "Evie", "Charlotte", "Jessica", "Ella", "Florence", "Imogen"},
		[]string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas", "Roberts", "Johnson", "Wright", "Walker", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Turner", "Hill", "Scott", "Cooper", "Ward"},
		[]string{"Softcat", "Computacenter UK", "XMA"}},
}

var demoDepartments = []struct{ name, cc string }{
	{"Engineering", "1100"}, {"Product", "1200"}, {"Sales", "2100"}, {"Marketing", "2200"},
	{"Customer Support", "2300"}, {"Finance", "3100"}, {"People", "3200"}, {"Legal", "3300"},
	{"IT", "4100"}, {"Operations", "4200"}, {"Facilities", "4300"},
}

// Holder kinds of a category: who deployed assets of it go to.
const (
	holdPerson   = iota // a person
	holdKit             // usually installed in a laptop's kit, else a person
	holdComms           // a comms room
	holdRoom            // an office or meeting room
	holdCeiling         // a room (access points)
	holdMonitors        // a person, sometimes a laptop's kit
)

type demoCategory struct {
	name, short string
	hold        int
	custom      int // which custom fields (see demoGen.custom)
}

const (
	customNone = iota
	customComputer
	customMac
	customPhone
	customNetwork
	customServer
)

var demoCategories = []demoCategory{
	{"Laptops", "LT", holdPerson, customComputer},
	{"Desktops", "DT", holdPerson, customComputer},
	{"Monitors", "MON", holdMonitors, customNone},
	{"Docking Stations", "DCK", holdKit, customNone},
	{"Mobile Phones", "PH", holdPerson, customPhone},
	{"Tablets", "TAB", holdPerson, customNone},
	{"Headsets", "HS", holdPerson, customNone},
	{"Keyboards", "KB", holdPerson, customNone},
	{"Switches", "SW", holdComms, customNetwork},
	{"Access Points", "AP", holdCeiling, customNetwork},
	{"Servers", "SRV", holdComms, customServer},
	{"Printers", "PRN", holdRoom, customNone},
	{"Conference Room", "CONF", holdRoom, customNone},
}

type demoModelSpec struct {
	mf, cat, name, number string
	usd                   float64
	warranty, life        int // years
	weight                int
	serial                string // '#' digit, '@' letter, '*' letter or digit, '%' hex; anything else literal
}

var demoModels = []demoModelSpec{
	{"Dell", "Laptops", "Latitude 5440", "LAT5440", 1150, 3, 4, 28, "*******"},
	{"Dell", "Laptops", "Latitude 7440", "LAT7440", 1650, 3, 4, 16, "*******"},
	{"Lenovo", "Laptops", "ThinkPad T14 Gen 4", "21HD", 1250, 3, 4, 20, "PF******"},
	{"Lenovo", "Laptops", "ThinkPad X1 Carbon Gen 11", "21HM", 1900, 3, 4, 12, "PF******"},
	{"Apple", "Laptops", "MacBook Pro 14 (M3 Pro)", "MRX33", 1999, 3, 4, 12, "@*********"},
	{"Apple", "Laptops", "MacBook Air 13 (M2)", "MLY33", 1099, 1, 4, 6, "@*********"},
	{"Dell", "Desktops", "OptiPlex 7010 Micro", "OPT7010M", 850, 3, 5, 6, "*******"},
	{"Dell", "Monitors", "P2423D", "DELL-P2423D", 280, 3, 6, 20, "CN0@@#####"},
	{"Dell", "Monitors", "UltraSharp U2723QE", "DELL-U2723QE", 580, 3, 6, 12, "CN0@@#####"},
	{"LG", "Monitors", "27UP850-W", "27UP850-W", 450, 2, 6, 4, "###NT@@#####"},
	{"Dell", "Docking Stations", "WD19S Dock", "WD19S", 220, 3, 5, 12, "CN0@@#####"},
	{"Lenovo", "Docking Stations", "ThinkPad Universal USB-C Dock", "40AY0090", 240, 3, 5, 8, "ZV*******"},
	{"Apple", "Mobile Phones", "iPhone 15", "MTP03", 799, 1, 3, 14, "@*********"},
	{"Apple", "Mobile Phones", "iPhone 15 Pro", "MTUV3", 999, 1, 3, 6, "@*********"},
	{"Samsung", "Mobile Phones", "Galaxy S23", "SM-S911B", 799, 2, 3, 8, "R5####@*###"},
	{"Apple", "Tablets", "iPad Air 11 (M2)", "MUWD3", 599, 1, 4, 4, "@*********"},
	{"Jabra", "Headsets", "Evolve2 65", "26599-989-999", 230, 2, 3, 8, "####*****"},
	{"Logitech", "Keyboards", "MX Keys for Business", "920-010243", 110, 1, 4, 4, "####LZ0*****"},
	{"Cisco", "Switches", "Catalyst 9200-48P", "C9200-48P-E", 5200, 5, 7, 2, "FOC####****"},
	{"Cisco", "Switches", "Catalyst 9200-24T", "C9200-24T-E", 2900, 5, 7, 1, "FOC####****"},
	{"Ubiquiti", "Access Points", "UniFi U6 Pro", "U6-Pro", 159, 1, 5, 4, "F4E2C6%%%%%%"},
	{"Ubiquiti", "Access Points", "UniFi U6 Enterprise", "U6-Enterprise", 279, 1, 5, 2, "F4E2C6%%%%%%"},
	{"HPE", "Servers", "ProLiant DL380 Gen10 Plus", "P05172-B21", 9800, 3, 6, 1, "CZJ*******"},
	{"HPE", "Servers", "ProLiant DL360 Gen11", "P51930-B21", 8200, 3, 6, 1, "CZJ*******"},
	{"HP", "Printers", "LaserJet Pro 4002dn", "2Z605F", 350, 1, 5, 2, "PHB#######"},
	{"Poly", "Conference Room", "Studio X50", "2200-85880-001", 3200, 1, 5, 1, "####*#######"},
}

var demoRepairReasons = []string{"Cracked screen", "Battery swelling", "Keyboard liquid damage", "Will not power on", "Hinge broken", "Fan noise", "Dead pixels", "Port damaged"}
var demoMissingReasons = []string{"Not found at stocktake", "Reported lost by user", "Reported stolen (police report filed)", "Not returned after leaving"}
var demoRetireReasons = []string{"End of life", "Beyond economic repair", "Replaced under refresh programme", "Obsolete"}
var demoDisposals = []struct{ method, vendor string }{
	{"NIST 800-88 purge (certified data erasure)", "Sims Lifecycle Services"},
	{"Physical shredding", "Iron Mountain"},
	{"Degauss and shred", "Iron Mountain"},
	{"Certified erasure and resale", "TES"},
	{"Recycled (WEEE)", "Sims Lifecycle Services"},
}

// ---- the plan: every entity and every event, decided before writing ----

type demoLoc struct {
	uid, code, name string
	parent          int // -1: none
}

type demoPerson struct {
	uid, name, badge, empNo, username, email, dept, cc string
	site, home                                         int
}

type demoPO struct {
	uid, number string
	supplier    int
	at          int64
	lines       []POLinePayload
}

type demoAsset struct {
	uid, tag, serial, name                 string
	purchaseDate, warranty, eol, cost, cur string
	custom                                 []string // key, value, ...
	model                                  int16
	site                                   int8
	startOnOrder                           bool
	po                                     int32
	shelf                                  int32 // home location
	finalCO                                int64 // time of its last check-out, 0 if none
	finalLoc                               int32 // location after its last check-out
	lastHK                                 uint8 // who holds it (while writing)
	lastWho                                int32
}

// Action kinds, in the order they are written when they share a time.
const (
	actPO uint8 = iota
	actReceive
	actArrive
	actCheckOut
	actCheckIn
	actStatus
	actRetire
	actDispose
	actMove
)

// demoAct is one event to write.
type demoAct struct {
	at    int64  // unix seconds
	seq   uint32 // creation order, breaks ties
	kind  uint8
	hk    uint8 // holder kind (check-out, check-in): 1 person, 2 location, 3 asset
	from  uint8 // status index (status changes), condition (check-in)
	to    uint8 // status index (status changes), reason index
	asset int32 // asset index (PO index for actPO)
	who   int32 // person, location or asset index; location for moves and check-ins
	due   int32 // due date in days since 1970, 0: none
}

const (
	hkPerson uint8 = iota + 1
	hkLocation
	hkAsset
)

type demoSiteLocs struct {
	site                  int
	shelves, rooms, comms []int
	repair                int
	people                []int
	operators             []string
	kits                  []int32 // recent laptops deployed to people for good
}

type demoGen struct {
	rng      *rand.Rand
	n        int
	now      time.Time
	today    string
	width    int
	sites    []demoSiteLocs
	locs     []demoLoc
	people   []demoPerson
	mfs      []string // names
	mfUID    map[string]string
	catUID   map[string]string
	modelUID []string
	supUID   map[string]string
	suppls   []string
	pos      []demoPO
	assets   []demoAsset
	tagged   int // tags given so far
	acts     []demoAct
	serials  map[string]struct{}
	siteW    []int
	modelW   []int
}

func newDemoGen(seed int64, n int, now time.Time) *demoGen {
	g := &demoGen{
		rng:     rand.New(rand.NewPCG(uint64(seed), 0x74616764657368)),
		n:       n,
		now:     now.Truncate(time.Second),
		mfUID:   map[string]string{},
		catUID:  map[string]string{},
		supUID:  map[string]string{},
		serials: make(map[string]struct{}, n),
		width:   6,
	}
	g.today = g.now.Format(dateLayout)
	if n > 999_999 {
		g.width = 7
	}
	for _, s := range demoSites {
		g.siteW = append(g.siteW, s.weight)
	}
	for _, m := range demoModels {
		g.modelW = append(g.modelW, m.weight)
	}
	return g
}

// uid is a deterministic id shaped like DB.newUID's: time, then randomness.
func (g *demoGen) uid(at int64) string {
	var b [12]byte
	for i := range b {
		b[i] = base32Alphabet[g.rng.IntN(32)]
	}
	return strconv.FormatInt(at*1000+int64(g.rng.IntN(1000)), 36) + string(b[:])
}

func (g *demoGen) pick(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := g.rng.IntN(total)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

func (g *demoGen) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo)
}

func (g *demoGen) fill(pattern string) string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	const hex = "0123456789ABCDEF"
	b := []byte(pattern)
	for i, c := range b {
		switch c {
		case '#':
			b[i] = byte('0' + g.rng.IntN(10))
		case '@':
			b[i] = letters[g.rng.IntN(len(letters))]
		case '*':
			b[i] = alnum[g.rng.IntN(len(alnum))]
		case '%':
			b[i] = hex[g.rng.IntN(len(hex))]
		}
	}
	return string(b)
}

func (g *demoGen) serial(pattern string) string {
	for {
		s := g.fill(pattern)
		if _, dup := g.serials[s]; !dup {
			g.serials[s] = struct{}{}
			return s
		}
	}
}

func (g *demoGen) addLoc(code, name string, parent int) int {
	g.locs = append(g.locs, demoLoc{uid: g.uid(g.epoch()), code: code, name: name, parent: parent})
	return len(g.locs) - 1
}

// epoch is when the demo organisation started recording: five years ago.
func (g *demoGen) epoch() int64 { return g.now.AddDate(-5, 0, -30).Unix() }

var asciiFold = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n", "Á", "A", "É", "E", "Í", "I", "Ó", "O", "Ú", "U", "'", "")

func (g *demoGen) plan() {
	epoch := g.epoch()
	for _, s := range demoSites {
		for _, sup := range s.suppliers {
			g.supUID[sup] = g.uid(epoch)
			g.suppls = append(g.suppls, sup)
		}
	}
	for _, m := range demoModels {
		if _, ok := g.mfUID[m.mf]; !ok {
			g.mfUID[m.mf] = g.uid(epoch)
			g.mfs = append(g.mfs, m.mf)
		}
	}
	for _, c := range demoCategories {
		g.catUID[c.name] = g.uid(epoch)
	}
	for range demoModels {
		g.modelUID = append(g.modelUID, g.uid(epoch))
	}

	// Locations: site > building > rooms and comms room; site > IT store > shelves and repair bench.
	for si, s := range demoSites {
		sl := demoSiteLocs{site: si}
		site := g.addLoc(s.code, s.city, -1)
		for bi, bname := range s.buildings {
			bcode := fmt.Sprintf("%s-B%d", s.code, bi+1)
			b := g.addLoc(bcode, fmt.Sprintf("%s B%d %s", s.city, bi+1, bname), site)
			for floor := 1; floor <= 3; floor++ {
				for room := 1; room <= 8; room++ {
					n := floor*100 + room
					sl.rooms = append(sl.rooms, g.addLoc(fmt.Sprintf("%s-R%d", bcode, n), fmt.Sprintf("%s B%d Room %d", s.city, bi+1, n), b))
				}
			}
			sl.comms = append(sl.comms, g.addLoc(bcode+"-COMMS", fmt.Sprintf("%s B%d Comms Room", s.city, bi+1), b))
		}
		store := g.addLoc(s.code+"-STORE", s.city+" IT Store", site)
		for sh := 1; sh <= 12; sh++ {
			sl.shelves = append(sl.shelves, g.addLoc(fmt.Sprintf("%s-STORE-S%02d", s.code, sh), fmt.Sprintf("%s IT Store Shelf %02d", s.city, sh), store))
		}
		sl.repair = g.addLoc(s.code+"-STORE-REPAIR", s.city+" IT Store Repair Bench", store)
		g.sites = append(g.sites, sl)
	}

	// People: about one per 15 assets, at least 20; the first few at each site work in IT.
	nPeople := max(20, g.n/15)
	used := map[string]int{}
	for i := range nPeople {
		si := g.pick(g.siteW)
		if i < 2*len(demoSites) {
			si = i % len(demoSites)
		}
		s := demoSites[si]
		first, last := s.first[g.rng.IntN(len(s.first))], s.last[g.rng.IntN(len(s.last))]
		base := strings.ToLower(asciiFold.Replace(first[:1] + last))
		if first[0] >= 0x80 { // an accented initial: fold the whole name first
			base = strings.ToLower(asciiFold.Replace(first))[:1] + strings.ToLower(asciiFold.Replace(last))
		}
		used[base]++
		user, mail := base, strings.ToLower(asciiFold.Replace(first)+"."+asciiFold.Replace(last))
		if k := used[base]; k > 1 {
			user += strconv.Itoa(k)
			mail += strconv.Itoa(k)
		}
		dept := demoDepartments[g.rng.IntN(len(demoDepartments))]
		if i < 2*len(demoSites) {
			dept = demoDepartments[8] // IT
			g.sites[si].operators = append(g.sites[si].operators, user)
		}
		sl := &g.sites[si]
		p := demoPerson{
			uid: g.uid(epoch), name: first + " " + last, badge: fmt.Sprintf("B%d", 10000+i), empNo: fmt.Sprintf("E%06d", 100000+i*3+g.rng.IntN(3)),
			username: user, email: mail + "@tagdesk-demo.example", dept: dept.name, cc: "CC-" + dept.cc + "-" + s.code,
			site: si, home: sl.rooms[g.rng.IntN(len(sl.rooms))],
		}
		g.people = append(g.people, p)
		sl.people = append(sl.people, i)
	}

	g.planAssets()
	slices.SortFunc(g.acts, func(a, b demoAct) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		if a.seq < b.seq {
			return -1
		}
		if a.seq > b.seq {
			return 1
		}
		return 0
	})
}

func (g *demoGen) act(a demoAct) {
	a.seq = uint32(len(g.acts))
	g.acts = append(g.acts, a)
}

const day = int64(24 * 3600)

func (g *demoGen) planAssets() {
	now := g.now.Unix()
	start := g.now.AddDate(-5, 0, 0).Unix()
	mainEnd := now - 25*day
	nMain := g.n - g.n*3/100 // the last 3% are recent orders, mostly still on order
	if g.n < 40 {
		nMain = g.n - 1
	}
	g.assets = make([]demoAsset, 0, g.n)
	g.acts = make([]demoAct, 0, g.n*5/2)
	poSeq := map[int]int{}
	for len(g.assets) < g.n {
		done := len(g.assets)
		recent := done >= nMain
		var orderAt int64
		if recent {
			orderAt = g.between(now-20*day, now-day)
		} else {
			orderAt = start + (mainEnd-start)*int64(done)/int64(max(nMain, 1)) + g.between(0, 2*day)
		}
		si := g.pick(g.siteW)
		site := demoSites[si]
		sup := site.suppliers[g.rng.IntN(len(site.suppliers))]
		year := time.Unix(orderAt, 0).UTC().Year()
		poSeq[year]++
		po := demoPO{uid: g.uid(orderAt), number: fmt.Sprintf("PO-%d-%05d", year, poSeq[year]), at: orderAt}
		for i, s := range g.suppls {
			if s == sup {
				po.supplier = i
			}
		}
		pi := int32(len(g.pos))
		nLines := 1 + g.rng.IntN(3)
		for range nLines {
			if len(g.assets) >= g.n || (!recent && len(g.assets) >= nMain) {
				break
			}
			mi := g.pick(g.modelW)
			spec := demoModels[mi]
			q := 2 + g.rng.IntN(30)
			switch spec.cat {
			case "Switches", "Servers", "Conference Room":
				q = 1 + g.rng.IntN(3)
			case "Access Points", "Printers":
				q = 1 + g.rng.IntN(8)
			}
			limit := g.n
			if !recent {
				limit = nMain
			}
			q = min(q, limit-len(g.assets))
			found := false
			for li := range po.lines {
				if po.lines[li].ModelUID == g.modelUID[mi] {
					po.lines[li].Quantity += q
					found = true
				}
			}
			if !found {
				po.lines = append(po.lines, POLinePayload{ModelUID: g.modelUID[mi], Quantity: q})
			}
			for range q {
				g.planAsset(mi, si, pi, orderAt, recent)
			}
		}
		if len(po.lines) == 0 {
			continue
		}
		g.pos = append(g.pos, po)
		g.act(demoAct{at: orderAt, kind: actPO, asset: pi})
	}
}

func (g *demoGen) planAsset(mi, si int, po int32, orderAt int64, recent bool) {
	spec := demoModels[mi]
	site := demoSites[si]
	sl := &g.sites[si]
	now := g.now.Unix()
	i := len(g.assets)
	cat := demoCategories[0]
	for _, c := range demoCategories {
		if c.name == spec.cat {
			cat = c
		}
	}
	pd := time.Unix(orderAt, 0).UTC()
	a := demoAsset{
		serial:       g.serial(spec.serial),
		name:         site.code + "-" + cat.short + "-", // the tag's number follows, given at receipt
		purchaseDate: pd.Format(dateLayout),
		warranty:     pd.AddDate(spec.warranty, 0, 0).Format(dateLayout),
		eol:          pd.AddDate(spec.life, 0, 0).Format(dateLayout),
		cur:          site.currency,
		model:        int16(mi),
		site:         int8(si),
		po:           po,
		shelf:        int32(sl.shelves[g.rng.IntN(len(sl.shelves))]),
		startOnOrder: recent,
		finalLoc:     -1,
	}
	cost := spec.usd * site.fx * (0.93 + 0.14*g.rng.Float64())
	if site.currency == "INR" {
		a.cost = strconv.FormatFloat(float64(int64(cost)), 'f', 2, 64)
	} else {
		a.cost = strconv.FormatFloat(cost, 'f', 2, 64)
	}
	switch cat.custom {
	case customComputer:
		osName := "Windows 11 Enterprise"
		if spec.mf == "Apple" {
			osName = "macOS Sonoma"
		} else if g.rng.IntN(10) == 0 {
			osName = "Ubuntu 22.04 LTS"
		}
		a.custom = []string{"RAM", []string{"16 GB", "32 GB", "32 GB", "64 GB"}[g.rng.IntN(4)], "Storage", []string{"512 GB SSD", "1 TB SSD"}[g.rng.IntN(2)], "Operating system", osName}
	case customPhone:
		a.custom = []string{"IMEI", g.imei()}
	case customNetwork:
		mac := g.fill("%%:%%:%%")
		a.custom = []string{"MAC address", "F4:E2:C6:" + mac}
	case customServer:
		a.custom = []string{"Rack position", fmt.Sprintf("Rack %d U%d", 1+g.rng.IntN(4), 2+g.rng.IntN(38))}
	}
	g.assets = append(g.assets, demoAsset{})
	ai := int32(i)
	g.assets[i] = a
	uidAt := orderAt

	if recent {
		// Ordered in the last weeks: tagged on order; a third has arrived.
		g.assets[i].uid = g.uid(uidAt)
		g.act(demoAct{at: orderAt + g.between(3600, 6*3600), kind: actReceive, asset: ai})
		if g.rng.IntN(3) == 0 {
			g.act(demoAct{at: g.between(orderAt+day, now-3600), kind: actArrive, asset: ai, from: statusIdx(StatusOnOrder), to: statusIdx(StatusInStock)})
		}
		return
	}
	recv := orderAt + g.between(2*day, 10*day)
	g.assets[i].uid = g.uid(recv)
	g.act(demoAct{at: recv, kind: actReceive, asset: ai})
	win := now - 3600 - recv
	at := func(lo, hi float64) int64 { return recv + int64(float64(win)*(lo+(hi-lo)*g.rng.Float64())) }
	age := now - orderAt
	// Final status: older assets are more often retired or disposed.
	w := []int{62, 24, 4, 2, 4, 4} // deployed, in stock, in repair, missing, retired, disposed
	if age > 3*365*day+180*day {
		w = []int{35, 10, 2, 3, 20, 30}
	}
	final := g.pick(w)
	checkout := func(t int64, due int32, last bool) bool {
		return g.planCheckOut(ai, cat.hold, t, due, last)
	}
	checkin := func(t int64, cond uint8, loc int) {
		g.act(demoAct{at: t, kind: actCheckIn, asset: ai, from: cond, who: int32(loc)})
	}
	switch final {
	case 0: // deployed
		switch r := g.rng.IntN(100); {
		case r < 15: // handed out, returned, handed out again
			if checkout(at(0, 0.1), 0, false) {
				checkin(at(0.3, 0.6), 0, int(a.shelf))
				checkout(at(0.7, 0.99), 0, true)
			}
		case r < 21 && cat.hold == holdPerson: // a loan with a due date, often overdue
			t := max(recv+3600, now-g.between(10*day, 150*day))
			due := int32((t + g.between(14*day, 90*day)) / day)
			checkout(t, due, true)
		default:
			checkout(recv+g.between(3600, min(14*day, win/2)), 0, true)
		}
		if cat.name == "Laptops" && g.assets[i].finalCO > 0 {
			// A laptop that stays with its person: docks and monitors join its kit.
			if len(sl.kits) < 256 {
				sl.kits = append(sl.kits, ai)
			} else {
				sl.kits[g.rng.IntN(len(sl.kits))] = ai
			}
		}
	case 1: // in stock
		switch r := g.rng.IntN(100); {
		case r < 25:
			if checkout(at(0, 0.2), 0, false) {
				checkin(at(0.3, 0.95), 0, int(a.shelf))
			}
		case r < 30:
			g.act(demoAct{at: at(0.2, 0.95), kind: actMove, asset: ai, who: int32(sl.shelves[g.rng.IntN(len(sl.shelves))])})
		}
	case 2: // in repair
		if g.rng.IntN(2) == 0 && checkout(at(0, 0.3), 0, false) {
			checkin(at(0.5, 0.99), 1, sl.repair)
		} else {
			g.act(demoAct{at: at(0.5, 0.99), kind: actStatus, asset: ai, from: statusIdx(StatusInStock), to: statusIdx(StatusInRepair), due: int32(g.rng.IntN(len(demoRepairReasons)))})
		}
	case 3: // missing
		g.act(demoAct{at: at(0.3, 0.99), kind: actStatus, asset: ai, from: statusIdx(StatusInStock), to: statusIdx(StatusMissing), due: int32(g.rng.IntN(len(demoMissingReasons)))})
	case 4, 5: // retired, disposed
		hi := 0.95
		if final == 5 {
			hi = 0.85
		}
		if g.rng.IntN(10) < 6 && checkout(at(0, 0.2), 0, false) {
			checkin(at(0.4, hi), 2, int(a.shelf))
		} else {
			g.act(demoAct{at: at(0.4, hi), kind: actRetire, asset: ai, from: statusIdx(StatusInStock), to: statusIdx(StatusRetired), due: int32(g.rng.IntN(len(demoRetireReasons)))})
		}
		if final == 5 {
			g.act(demoAct{at: at(0.9, 0.999), kind: actDispose, asset: ai, who: int32(g.rng.IntN(len(demoDisposals)))})
		}
	}
}

// planCheckOut plans a check-out of asset ai at t to a holder fitting its
// category. Only a last check-out (nothing planned after it) may go into a
// laptop's kit, as it may have to wait for the laptop. It reports false
// (planning nothing) when t is not in the past.
func (g *demoGen) planCheckOut(ai int32, hold int, t int64, due int32, last bool) bool {
	now := g.now.Unix()
	if t >= now {
		return false
	}
	a := &g.assets[ai]
	sl := &g.sites[a.site]
	act := demoAct{at: t, kind: actCheckOut, asset: ai, due: due}
	kit := last && (hold == holdKit && g.rng.IntN(10) < 8 || hold == holdMonitors && g.rng.IntN(4) == 0)
	if kit && len(sl.kits) > 0 {
		parent := sl.kits[g.rng.IntN(len(sl.kits))]
		p := &g.assets[parent]
		if pt := max(t, p.finalCO+3600); pt < now {
			act.at, act.hk, act.who = pt, hkAsset, parent
			a.finalLoc = p.finalLoc
			a.finalCO = pt
			g.act(act)
			return true
		}
	}
	switch hold {
	case holdComms:
		act.hk, act.who = hkLocation, int32(sl.comms[g.rng.IntN(len(sl.comms))])
		a.finalLoc = act.who
	case holdRoom, holdCeiling:
		act.hk, act.who = hkLocation, int32(sl.rooms[g.rng.IntN(len(sl.rooms))])
		a.finalLoc = act.who
	default:
		pi := sl.people[g.rng.IntN(len(sl.people))]
		act.hk, act.who = hkPerson, int32(pi)
		a.finalLoc = int32(g.people[pi].home)
	}
	a.finalCO = t
	g.act(act)
	return true
}

func (g *demoGen) imei() string {
	d := make([]byte, 15)
	copy(d, "35")
	for i := 2; i < 14; i++ {
		d[i] = byte('0' + g.rng.IntN(10))
	}
	sum := 0
	for i := 0; i < 14; i++ {
		v := int(d[i] - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	d[14] = byte('0' + (10-sum%10)%10)
	return string(d)
}

func statusIdx(s Status) uint8 {
	for i, x := range Statuses {
		if x == s {
			return uint8(i)
		}
	}
	return 0
}

var demoConditions = []string{ConditionOK, ConditionRepair, ConditionRetire}

// ---- writing ----

const demoBatch = 25_000

func (g *demoGen) write(ctx context.Context, db *DB, progress func(done, total int)) error {
	for k, v := range map[string]string{SettingTagPrefix: "TD-", SettingTagWidth: strconv.Itoa(g.width), SettingTagNext: strconv.Itoa(g.n + 1)} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			return err
		}
	}
	// The catalogue, the places and the people.
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		w.outbox = false
		w.at = time.Unix(g.epoch(), 0).UTC()
		w.operator = g.sites[0].operators[0]
		for _, s := range g.suppls {
			if err := w.emit(EvSupplierCreated, g.supUID[s], NamedPayload{UID: g.supUID[s], Name: s}); err != nil {
				return err
			}
		}
		for _, m := range g.mfs {
			if err := w.emit(EvManufacturerCreated, g.mfUID[m], NamedPayload{UID: g.mfUID[m], Name: m}); err != nil {
				return err
			}
		}
		for _, c := range demoCategories {
			if err := w.emit(EvCategoryCreated, g.catUID[c.name], NamedPayload{UID: g.catUID[c.name], Name: c.name}); err != nil {
				return err
			}
		}
		for i, m := range demoModels {
			p := ModelPayload{UID: g.modelUID[i], Name: m.name, ModelNumber: m.number, ManufacturerUID: g.mfUID[m.mf], CategoryUID: g.catUID[m.cat]}
			if err := w.emit(EvModelCreated, p.UID, p); err != nil {
				return err
			}
		}
		for _, l := range g.locs {
			p := LocationPayload{UID: l.uid, Code: l.code, Name: l.name}
			if l.parent >= 0 {
				p.ParentUID = g.locs[l.parent].uid
			}
			if err := w.emit(EvLocationCreated, p.UID, p); err != nil {
				return err
			}
		}
		return g.writePeople(w)
	})
	if err != nil {
		return fmt.Errorf("demo catalogue: %w", err)
	}
	// Most secondary indexes of the big tables are built once at the end,
	// from sorted data, instead of row by row; the events' lookups use the
	// unique indexes, which stay. Some stay too (demoKeptIndexes).
	indexes, err := dropIndexes(ctx, db.w, "assets", "events")
	if err != nil {
		return err
	}
	for i := 0; i < len(indexes); i++ {
		for _, name := range demoKeptIndexes {
			if strings.Contains(indexes[i], "INDEX "+name+" ") {
				if _, err := db.w.ExecContext(ctx, indexes[i]); err != nil {
					return fmt.Errorf("keep index: %w", err)
				}
				indexes = append(indexes[:i], indexes[i+1:]...)
				i--
				break
			}
		}
	}
	if err := g.writeActs(ctx, db, indexes, progress); err != nil {
		return err
	}
	if _, err := db.w.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze demo: %w", err)
	}
	if err := db.dropSampleStats(ctx); err != nil {
		return err
	}
	if progress != nil {
		progress(g.n, g.n)
	}
	return nil
}

// demoKeptIndexes are the indexes the demo keeps while it loads. events_at
// only ever grows at its end (events arrive in time order), so keeping it
// costs less than building it afterwards. The others are the ones every
// check-out moves an entry in: built from sorted data, an index is packed
// full, and the desk's first thousands of check-outs would each split
// pages in all of them (about 50 pages written per check-out instead of
// 30), which no desk that grew by its own work ever sees. Kept, they fill
// as a desk's do.
var demoKeptIndexes = []string{"events_at", "events_subject", "assets_kpi", "assets_location", "assets_person"}

// sqlRunner is a connection pool or a transaction.
type sqlRunner interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// dropIndexes drops the explicitly created indexes of tables and returns
// the statements that create them again.
func dropIndexes(ctx context.Context, db sqlRunner, tables ...string) ([]string, error) {
	var names, sqls []string
	for _, t := range tables {
		rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, t)
		if err != nil {
			return nil, fmt.Errorf("list indexes: %w", err)
		}
		for rows.Next() {
			var name, q string
			if err := rows.Scan(&name, &q); err != nil {
				rows.Close()
				return nil, fmt.Errorf("list indexes: %w", err)
			}
			names, sqls = append(names, name), append(sqls, q)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list indexes: %w", err)
		}
	}
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `DROP INDEX "`+strings.ReplaceAll(n, `"`, `""`)+`"`); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", n, err)
		}
	}
	return sqls, nil
}

func (g *demoGen) holderLabel(hk uint8, who int32) (uid, label string) {
	switch hk {
	case hkPerson:
		p := &g.people[who]
		return p.uid, p.name + " (" + p.badge + ")"
	case hkLocation:
		l := &g.locs[who]
		return l.uid, l.name + " (" + l.code + ")"
	case hkAsset:
		a := &g.assets[who]
		return a.uid, a.tag
	}
	return "", ""
}

// actEvent returns the event act writes: its type, subject, payload and
// operator (a purchase order is raised by the first site's first operator,
// who set up the catalogue; an asset's events by one of its site's).
func (g *demoGen) actEvent(act demoAct) (EventType, string, any, string, error) {
	at := time.Unix(act.at, 0).UTC()
	var a *demoAsset
	operator := g.sites[0].operators[0]
	if act.kind != actPO {
		a = &g.assets[act.asset]
		ops := g.sites[a.site].operators
		operator = ops[int(act.asset)%len(ops)]
	}
	switch act.kind {
	case actPO:
		po := &g.pos[act.asset]
		p := POPayload{UID: po.uid, Number: po.number, SupplierUID: g.supUID[g.suppls[po.supplier]], Lines: po.lines}
		return EvPOCreated, p.UID, p, operator, nil
	case actReceive:
		// Tags are numbered in the order assets arrive, as a desk does
		// (once: the builder goes through the actions twice).
		if a.tag == "" {
			g.tagged++
			a.tag = fmt.Sprintf("TD-%0*d", g.width, g.tagged)
			a.name += a.tag[len("TD-"):]
		}
		status := StatusInStock
		if a.startOnOrder {
			status = StatusOnOrder
		}
		rec := g.record(act.asset, status)
		return EvAssetReceived, a.uid, rec, operator, nil
	case actArrive, actStatus, actRetire:
		p := StatusPayload{UID: a.uid, Tag: a.tag, From: Statuses[act.from], To: Statuses[act.to]}
		typ := EvAssetStatus
		switch {
		case act.kind == actArrive:
			p.Reason = "Arrived"
		case act.kind == actRetire:
			typ, p.Reason = EvAssetRetired, demoRetireReasons[act.due]
		case p.To == StatusInRepair:
			p.Reason = demoRepairReasons[act.due]
		case p.To == StatusMissing:
			p.Reason = demoMissingReasons[act.due]
		}
		return typ, a.uid, p, operator, nil
	case actCheckOut:
		uid, label := g.holderLabel(act.hk, act.who)
		p := CheckOutPayload{UID: a.uid, Tag: a.tag, To: uid, ToLabel: label}
		switch act.hk {
		case hkPerson:
			p.ToKind, p.LocationUID = CustodianPerson, g.locs[g.people[act.who].home].uid
		case hkLocation:
			p.ToKind, p.LocationUID = CustodianLocation, uid
		case hkAsset:
			p.ToKind = CustodianAsset
			if l := g.assets[act.who].finalLoc; l >= 0 {
				p.LocationUID = g.locs[l].uid
			}
		}
		if act.due > 0 {
			p.Due = time.Unix(int64(act.due)*day, 0).UTC().Format(dateLayout)
		}
		a.lastHK, a.lastWho = act.hk, act.who
		return EvAssetCheckedOut, a.uid, p, operator, nil
	case actCheckIn:
		cond := demoConditions[act.from]
		st, _ := ConditionStatus(cond)
		p := CheckInPayload{UID: a.uid, Tag: a.tag, LocationUID: g.locs[act.who].uid, Condition: cond, Status: st}
		p.FromUID, p.From = g.holderLabel(a.lastHK, a.lastWho)
		return EvAssetCheckedIn, a.uid, p, operator, nil
	case actMove:
		to, from := g.locs[act.who], g.locs[a.shelf]
		p := MovePayload{UID: a.uid, Tag: a.tag, LocationUID: to.uid, FromUID: from.uid, ToLabel: to.name + " (" + to.code + ")", FromLabel: from.name + " (" + from.code + ")"}
		return EvAssetMoved, a.uid, p, operator, nil
	case actDispose:
		d := demoDisposals[act.who]
		p := DisposePayload{UID: a.uid, Tag: a.tag, Method: d.method, Vendor: d.vendor,
			Certificate: fmt.Sprintf("CERT-%s-%06d", at.Format("2006"), act.asset+1)}
		return EvAssetDisposed, a.uid, p, operator, nil
	}
	return "", "", nil, "", fmt.Errorf("unknown demo action %d", act.kind)
}
