package views

import (
	"context"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/paywall/paywall/internal/i18n"
)

// Layout is the frame of every page (layout.templ). With p.Frames set it writes the layout rendered once per
// variant, filling in this request's own values; without, it renders the template.
func Layout(p Page) templ.Component {
	if p.Frames == nil {
		return layout(p)
	}
	return framed{p: p}
}

// Frames keeps the layout rendered once per variant (language, environment, logged in or not, with a request
// id or not, wide or not), cut at the holes where a request's own values go: the title, the reader's name,
// the CSRF token, the demo strip, the page itself, the language switch's way back and the request id. A page
// then writes a few slices and escapes five strings instead of rendering the layout's forty expressions
// again: the layout was an eighth of a logged-in page's CPU. TestFramedLayoutIsTheLayout holds the result
// to the template's, byte for byte. A frame is cut from a page holding only placeholders (cutFrame), never
// from a reader's: a value added to the layout without a hole here would show empty, not another reader's.
// One Frames serves one app (its assets and environment); the zero value is ready to use.
type Frames struct {
	mu    sync.RWMutex
	m     map[frameKey]*frame
	parts map[partKey]string // Page.once
}

type partKey struct {
	lang i18n.Lang
	name string
}

// once is c rendered the first time a page in the reader's language asks for it by name, and those bytes
// after: for parts of pages that depend on the language and the name alone (the checkout script's words;
// the payment categories, named by their list, categoriesPart). Without Frames it renders c.
func (p Page) once(name string, c templ.Component) templ.Component {
	if p.Frames == nil {
		return c
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		key := partKey{lang: i18n.From(ctx).Lang(), name: name}
		fs := p.Frames
		fs.mu.RLock()
		s, ok := fs.parts[key]
		fs.mu.RUnlock()
		if !ok {
			var sb strings.Builder
			if err := c.Render(ctx, &sb); err != nil {
				return err
			}
			s = sb.String()
			fs.mu.Lock()
			if fs.parts == nil || len(fs.parts) >= maxParts {
				fs.parts = make(map[partKey]string)
			}
			fs.parts[key] = s
			fs.mu.Unlock()
		}
		_, err := io.WriteString(w, s)
		return err
	})
}

// categoriesPart names a list of payment categories for Page.once: the radio buttons (categoryChoices) are
// the same for every purchase offered the same list in the same language, and their dozen attribute values
// each cost templ two allocations (fmt.Sprint) on every checkout view.
func categoriesPart(cats []Category) string {
	b := make([]byte, 0, 64*len(cats)+len("categories"))
	b = append(b, "categories"...)
	for _, c := range cats {
		for _, f := range [...]string{c.Identifier, c.Name, c.AssetURL} {
			b = strconv.AppendInt(append(b, ' '), int64(len(f)), 10) // length-prefixed: one name per list
			b = append(b, ':')
			b = append(b, f...)
		}
	}
	return string(b)
}

// maxParts bounds Page.once's parts; past it they start over. A market's category lists are a handful, but
// they come from Klarna, so their number is not ours to promise.
const maxParts = 256

type frameKey struct {
	lang                  i18n.Lang
	env                   string
	user, requestID, wide bool
}

// hole is a place in the layout where a request's own value goes.
type hole uint8

const (
	holeTitle hole = iota
	holeUser
	holeCSRF
	holeDemo
	holeChildren
	holeLanguageSwitch
	holeRequestID
)

// frame is one variant of the layout: segs[i] comes before holes[i]; the last seg ends the page.
type frame struct {
	segs  []string
	holes []hole
}

// Placeholders the layout is rendered with to find its holes: private-use characters, which neither HTML
// escaping nor the templates produce.
const (
	markTitle     = "\ue000title\ue001"
	markUser      = "\ue000user\ue001"
	markCSRF      = "\ue000csrf\ue001"
	markDemo      = "\ue000demo\ue001"
	markChildren  = "\ue000children\ue001"
	markPath      = "/\ue000path\ue001"
	markRequestID = "\ue000request-id\ue001"
)

// demoStrip is the sandbox's demo strip, nothing without one, or its hole when the frame is being cut.
func (p Page) demoStrip() templ.Component {
	switch {
	case p.framing:
		return rawText(markDemo)
	case p.Demo == nil:
		return templ.NopComponent
	}
	return DemoBarStrip(p.Demo)
}

// rawText writes its string as it is.
type rawText string

func (s rawText) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, string(s))
	return err
}

// framed is a page's layout written from its frame.
type framed struct{ p Page }

func (f framed) Render(ctx context.Context, w io.Writer) error {
	children := templ.GetChildren(ctx)
	ctx = templ.ClearChildren(ctx)
	fr, err := f.p.Frames.get(ctx, f.p)
	if err != nil {
		return err
	}
	if fr == nil { // the template's output could not be cut (a test guards against it): render it
		return layout(f.p).Render(templ.WithChildren(ctx, children), w)
	}
	for i, h := range fr.holes {
		if _, err := io.WriteString(w, fr.segs[i]); err != nil {
			return err
		}
		if err := f.fill(ctx, w, h, children); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, fr.segs[len(fr.segs)-1])
	return err
}

// fill writes this request's value for the hole, as the template would.
func (f framed) fill(ctx context.Context, w io.Writer, h hole, children templ.Component) error {
	p := f.p
	switch h {
	case holeDemo:
		return p.demoStrip().Render(ctx, w)
	case holeChildren:
		return children.Render(ctx, w)
	}
	_, err := io.WriteString(w, templ.EscapeString(holeText(ctx, p, h)))
	return err
}

// holeText is the text the template writes (before escaping) at a hole that holds a string.
func holeText(ctx context.Context, p Page, h hole) string {
	switch h {
	case holeTitle:
		return p.title()
	case holeUser:
		return p.User.Name
	case holeCSRF:
		return p.CSRF
	case holeLanguageSwitch:
		return string(templ.URL(languageSwitch(ctx, p.Path)))
	case holeRequestID:
		return t(ctx, "LayoutRequestID", "ID", p.RequestID)
	}
	return ""
}

// get is the page's frame, cut the first time its variant is asked for; nil if the layout could not be cut.
func (fs *Frames) get(ctx context.Context, p Page) (*frame, error) {
	key := frameKey{lang: i18n.From(ctx).Lang(), env: p.Env, user: p.User != nil, requestID: p.RequestID != "", wide: p.Wide}
	fs.mu.RLock()
	fr, ok := fs.m[key]
	fs.mu.RUnlock()
	if ok {
		return fr, nil
	}
	fr, err := cutFrame(ctx, p)
	if err != nil {
		return nil, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.m == nil {
		fs.m = make(map[frameKey]*frame)
	}
	fs.m[key] = fr
	return fr, nil
}

// cutFrame renders the layout with placeholders for p's variant and cuts it where they are; nil if a
// placeholder is not in the output exactly once.
func cutFrame(ctx context.Context, p Page) (*frame, error) {
	m := Page{Title: markTitle, Env: p.Env, CSRF: markCSRF, Asset: p.Asset, Wide: p.Wide, Path: markPath, framing: true}
	if p.User != nil {
		m.User = &User{Name: markUser}
	}
	if p.RequestID != "" {
		m.RequestID = markRequestID
	}
	var sb strings.Builder
	if err := layout(m).Render(templ.WithChildren(ctx, rawText(markChildren)), &sb); err != nil {
		return nil, err
	}
	out := sb.String()
	type found struct {
		at   int
		text string
		h    hole
	}
	var holes []found
	for _, h := range []hole{holeTitle, holeUser, holeCSRF, holeDemo, holeChildren, holeLanguageSwitch, holeRequestID} {
		var text string
		switch h {
		case holeDemo:
			text = markDemo
		case holeChildren:
			text = markChildren
		case holeUser, holeCSRF:
			if m.User == nil {
				continue // the CSRF token is only in the logout form
			}
			text = templ.EscapeString(holeText(ctx, m, h))
		case holeRequestID:
			if m.RequestID == "" {
				continue
			}
			text = templ.EscapeString(holeText(ctx, m, h))
		default:
			text = templ.EscapeString(holeText(ctx, m, h))
		}
		if strings.Count(out, text) != 1 {
			return nil, nil
		}
		holes = append(holes, found{at: strings.Index(out, text), text: text, h: h})
	}
	sort.Slice(holes, func(i, j int) bool { return holes[i].at < holes[j].at })
	fr := &frame{}
	from := 0
	for _, h := range holes {
		fr.segs = append(fr.segs, out[from:h.at])
		fr.holes = append(fr.holes, h.h)
		from = h.at + len(h.text)
	}
	fr.segs = append(fr.segs, out[from:])
	return fr, nil
}
