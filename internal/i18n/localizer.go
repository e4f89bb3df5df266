package i18n

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Localizer speaks one language: messages, money, periods and dates.
type Localizer struct {
	lang  Lang
	zone  *time.Location // where the dates of instants are read (InZone)
	l     *goi18n.Localizer
	plain map[string]string // messages without template data, looked up once (pages use hundreds per view)
	// simple are the messages whose templates only insert values ("{{.Name}}"), filled in here without
	// text/template (which cost a tenth of an account page's CPU); the others go through go-i18n.
	simple map[string]simpleMessage
}

// simpleMessage is a message whose forms only insert named values, split once into text and names.
type simpleMessage struct{ one, other []segment }

// segment is literal text followed by the value of name ("" for none).
type segment struct{ text, name string }

// split turns a simple form into its segments.
func split(form string) []segment {
	var out []segment
	rest := form
	for _, m := range simplePlaceholder.FindAllStringSubmatchIndex(form, -1) {
		out = append(out, segment{text: form[len(form)-len(rest) : m[0]], name: form[m[2]:m[3]]})
		rest = form[m[1]:]
	}
	return append(out, segment{text: rest})
}

// simplePlaceholder is the only template action a simple message may hold.
var simplePlaceholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z][A-Za-z0-9]*)\s*\}\}`)

func newLocalizer(b *goi18n.Bundle, l Lang, zone *time.Location) *Localizer {
	return &Localizer{lang: l, zone: zone, l: goi18n.NewLocalizer(b, string(l)), plain: map[string]string{},
		simple: map[string]simpleMessage{}}
}

// isSimple reports whether a message form's template actions are all simplePlaceholder.
func isSimple(form string) bool {
	rest := simplePlaceholder.ReplaceAllString(form, "")
	return !strings.Contains(rest, "{{") && !strings.Contains(rest, "}}")
}

// fill inserts the values of kv (name/value pairs) after form's segments; ok is false when a name has no
// value (go-i18n then renders the message, as it would have).
func fill(form []segment, kv []any) (string, bool) {
	var b strings.Builder
	for _, s := range form {
		b.WriteString(s.text)
		if s.name == "" {
			continue
		}
		found := false
		for i := 0; i+1 < len(kv); i += 2 {
			if k, _ := kv[i].(string); k == s.name {
				switch v := kv[i+1].(type) {
				case string:
					b.WriteString(v)
				case int:
					b.WriteString(strconv.Itoa(v))
				default:
					fmt.Fprint(&b, v)
				}
				found = true
				break
			}
		}
		if !found {
			return "", false
		}
	}
	return b.String(), true
}

// pluralOne reports whether count takes the "one" form: in Swedish and English, exactly the integer 1.
// ok is false for a count that is not an integer (go-i18n's CLDR rules decide those).
func pluralOne(kv []any) (one, ok bool) {
	for i := 0; i+1 < len(kv); i += 2 {
		if k, _ := kv[i].(string); k == "Count" {
			switch n := kv[i+1].(type) {
			case int:
				return n == 1, true
			case int64:
				return n == 1, true
			default:
				return false, false
			}
		}
	}
	return false, true
}

// Lang is the localizer's language.
func (l *Localizer) Lang() Lang { return l.lang }

// T is the message with the id, in the localizer's language. kv are template data as name/value pairs
// ("Name", "Rita", "Count", 3); a "Count" value also chooses the plural form. A message missing in this
// language shows its id (TestEveryMessageIsTranslated keeps that from reaching readers).
func (l *Localizer) T(id string, kv ...any) string {
	if l.l == nil {
		return id
	}
	if len(kv) == 0 {
		if s, ok := l.plain[id]; ok {
			return s
		}
	}
	if m, ok := l.simple[id]; ok {
		if one, ok := pluralOne(kv); ok {
			form := m.other
			if one && m.one != nil {
				form = m.one
			}
			if s, ok := fill(form, kv); ok {
				return s
			}
		}
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			name := fmt.Sprint(kv[i])
			data[name] = kv[i+1]
			if name == "Count" {
				cfg.PluralCount = kv[i+1] // go-i18n refuses a Count for a message without plural forms: see below
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.l.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		cfg.PluralCount = nil // a message with one form that also shows the count
		s, err = l.l.Localize(cfg)
	}
	if err != nil {
		return id
	}
	return s
}

// warm looks up every plain message once, so T serves them from a map, and keeps the simple ones' forms
// (sources: the message files as read by Messages); called by New before the localizer is shared.
func (l *Localizer) warm(sources map[string]messageSource) {
	for id, src := range sources {
		if !strings.Contains(src.one+src.other, "{{") {
			if s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id}); err == nil {
				l.plain[id] = s
			}
			continue
		}
		if isSimple(src.one) && isSimple(src.other) {
			m := simpleMessage{other: split(src.other)}
			if src.one != "" {
				m.one = split(src.one)
			}
			l.simple[id] = m
		}
	}
}

// Money is a price in Swedish kronor: "139 kr", "1 290 kr", "99,50 kr" in Swedish; "SEK 139", "SEK 1,290",
// "SEK 99.50" in English. Thousands are grouped (a no-break space in Swedish, so a price never wraps).
func (l *Localizer) Money(kronor float64) string {
	whole := kronor == math.Trunc(kronor)
	öre := int64(math.Round(math.Abs(kronor)*100)) % 100
	sep, dec := "\u00a0", ","
	if l.lang == English {
		sep, dec = ",", "."
	}
	n := group(int64(math.Abs(math.Trunc(kronor))), sep)
	if kronor < 0 {
		n = "-" + n
	}
	if !whole {
		n += dec + fmt.Sprintf("%02d", öre)
	}
	if l.lang == English {
		return "SEK " + n
	}
	return n + "\u00a0kr"
}

// group writes n with sep between groups of three digits.
func group(n int64, sep string) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// Per is a price per period, short: "139 kr/mån", "1 290 kr/år", "SEK 139/month". Periods other than one
// month or a year are written out: "399 kr per 3 månader", "SEK 399 every 3 months".
func (l *Localizer) Per(kronor float64, iterationType string, length int) string {
	price := l.Money(kronor)
	switch {
	case iterationType == "month" && length == 1:
		return price + "/" + l.T("PeriodMonthShort")
	case (iterationType == "month" && length == 12) || (iterationType == "year" && length == 1):
		return price + "/" + l.T("PeriodYearShort")
	}
	return l.T("PricePerPeriod", "Price", price, "Period", l.Every(iterationType, length))
}

// Every describes a period as in "every …": "month", "3 months", "year" (Swedish: "månad", "3 månader",
// "år"). Unknown iteration types are shown as Payway names them.
func (l *Localizer) Every(iterationType string, length int) string {
	unit := iterationType
	switch {
	case iterationType == "month" && length == 12:
		return l.T("PeriodYear")
	case iterationType == "month":
		unit = "Month"
	case iterationType == "year":
		unit = "Year"
	case iterationType == "week":
		unit = "Week"
	case iterationType == "day":
		unit = "Day"
	default:
		if length == 1 {
			return iterationType
		}
		return fmt.Sprintf("%d %s", length, iterationType)
	}
	return l.T("Period"+unit+"s", "Count", length)
}

// Date is the date of an instant in the bundle's zone (InZone): "26 december 2026" in Swedish,
// "26 December 2026" in English.
func (l *Localizer) Date(t time.Time) string { return l.CalendarDate(t.In(l.zone)) }

// CalendarDate writes t's own year, month and day, whatever its location: for a date that is no instant,
// such as a birth date parsed from "1990-05-17", which no zone should move to another day.
func (l *Localizer) CalendarDate(t time.Time) string {
	if l.lang == English {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), swedishMonth(t.Month()), t.Year())
}

// DateTime is an instant's date with the time of day in the bundle's zone: "26 december 2026 14:05",
// "26 December 2026, 14:05".
func (l *Localizer) DateTime(t time.Time) string {
	t = t.In(l.zone)
	if l.lang == English {
		return l.CalendarDate(t) + ", " + t.Format("15:04")
	}
	return l.CalendarDate(t) + " " + t.Format("15:04")
}

// swedishMonth is the month's name as Swedish writes it in dates (lower case).
func swedishMonth(m time.Month) string {
	names := [...]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
		"september", "oktober", "november", "december"}
	return names[m-1]
}
