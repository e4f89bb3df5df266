package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Localizer speaks one language: messages, money, periods and dates.
type Localizer struct {
	lang  Lang
	l     *goi18n.Localizer
	plain map[string]string // messages without template data, looked up once (pages use hundreds per view)
}

func newLocalizer(b *goi18n.Bundle, l Lang) *Localizer {
	return &Localizer{lang: l, l: goi18n.NewLocalizer(b, string(l)), plain: map[string]string{}}
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
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			name := fmt.Sprint(kv[i])
			data[name] = kv[i+1]
			if name == "Count" {
				cfg.PluralCount = kv[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// warm looks up every plain message once, so T serves them from a map; called by New before the
// localizer is shared.
func (l *Localizer) warm(ids []string) {
	for _, id := range ids {
		if s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id}); err == nil && !strings.Contains(s, "{{") {
			l.plain[id] = s
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

// Date is a calendar date: "26 december 2026" in Swedish, "26 December 2026" in English.
func (l *Localizer) Date(t time.Time) string {
	if l.lang == English {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), swedishMonth(t.Month()), t.Year())
}

// DateTime is a date with the time of day: "26 december 2026 14:05", "26 December 2026, 14:05".
func (l *Localizer) DateTime(t time.Time) string {
	if l.lang == English {
		return l.Date(t) + ", " + t.Format("15:04")
	}
	return l.Date(t) + " " + t.Format("15:04")
}

// swedishMonth is the month's name as Swedish writes it in dates (lower case).
func swedishMonth(m time.Month) string {
	names := [...]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
		"september", "oktober", "november", "december"}
	return names[m-1]
}
