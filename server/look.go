package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/aiguillage/aiguillage/content"
	"github.com/aiguillage/aiguillage/themes"
)

// codeTheme is the problem code of a theme override that cannot be used.
const codeTheme = "theme"

// maxLogoBytes bounds a logo read from media/.
const maxLogoBytes = 1 << 20

// look is how the site looks at one revision: the theme (the built-in one,
// or it with the content repository's .aiguillage/theme/ overrides), its
// static files, and the branding of config.yaml. Like the snapshot that
// holds it, it is immutable.
type look struct {
	theme    *themes.Theme
	assets   *assets
	brand    brand
	problems []content.Problem // overrides or logo that could not be used
}

// brand is the branding of config.yaml as the layout uses it.
type brand struct {
	Logo   string // URL of the logo; empty for the theme's own
	CSS    string // URL of the stylesheet of the colours; empty without colours
	Footer []link
}

// looks builds the look of each snapshot from a built-in theme: the
// default one, or the one config.yaml's theme: names among the choices.
type looks struct {
	def     base
	choices map[string]base // built-in themes config.yaml may choose; nil when the flag fixed the theme
	store   Store
	log     *slog.Logger
	msgs    themes.Messages // the server's catalogue, for the problems' texts
}

// base is a built-in theme with its static files.
type base struct {
	theme  *themes.Theme
	assets *assets
}

func newLooks(def *themes.Theme, choices map[string]*themes.Theme, store Store, log *slog.Logger) (*looks, error) {
	newBase := func(t *themes.Theme) (base, error) {
		a, err := newAssets(t.Static())
		return base{theme: t, assets: a}, err
	}
	ls := &looks{store: store, log: log, msgs: def.Messages()}
	var err error
	if ls.def, err = newBase(def); err != nil {
		return nil, err
	}
	for name, t := range choices {
		b, err := newBase(t)
		if err != nil {
			return nil, fmt.Errorf("server: theme %s: %w", name, err)
		}
		if ls.choices == nil {
			ls.choices = make(map[string]base, len(choices))
		}
		ls.choices[name] = b
	}
	return ls, nil
}

// base returns the built-in theme config.yaml names, the default one when
// it names none, and a problem when it names one this binary lacks.
func (ls *looks) base(cfg content.SiteConfig) (base, *content.Problem) {
	if ls.choices == nil || cfg.Theme == "" {
		return ls.def, nil
	}
	if b, ok := ls.choices[cfg.Theme]; ok {
		return b, nil
	}
	names := slices.Sorted(maps.Keys(ls.choices))
	return ls.def, &content.Problem{File: content.ConfigFile, Field: "theme", Code: codeTheme, Warning: true,
		Message: ls.t("problems.theme.unknown", cfg.Theme, strings.Join(names, ", "))}
}

// next returns the look of cat: prev when no file it depends on changed
// (changed lists the files a commit touched), a new one otherwise.
func (ls *looks) next(ctx context.Context, cat *content.Catalog, prev *look, changed []string) *look {
	logo := cat.Config().Logo
	if prev != nil && !slices.ContainsFunc(changed, func(name string) bool {
		return strings.HasPrefix(name, content.ThemeDir) || name == content.ConfigFile || name == logo
	}) {
		return prev
	}
	return ls.build(ctx, cat)
}

// build makes the look of cat. It never fails: what cannot be used is
// logged and reported as a problem, and the built-in theme stands in.
func (ls *looks) build(ctx context.Context, cat *content.Catalog) *look {
	cfg := cat.Config()
	b, problem := ls.base(cfg)
	l := &look{theme: b.theme, assets: b.assets}
	if problem != nil {
		l.problems = append(l.problems, *problem)
	}
	if files := cat.ThemeFiles(); len(files) > 0 {
		ls.override(l, b.theme, cat, files)
	}
	if css := brandCSS(cfg.Couleurs); css != "" {
		l.assets = l.assets.with("marque.css", []byte(css))
		l.brand.CSS = l.assets.url("marque.css")
	}
	if cfg.Logo != "" {
		ls.logo(ctx, l, cat.Revision(), cfg.Logo)
	}
	for _, f := range cfg.Pied {
		l.brand.Footer = append(l.brand.Footer, link{Title: f.Titre, URL: f.URL()})
	}
	return l
}

// override loads the built-in theme with the repository's overrides and
// checks that its layout renders; on failure the built-in theme stays.
func (ls *looks) override(l *look, builtin *themes.Theme, cat *content.Catalog, files []content.File) {
	rel := make(map[string][]byte, len(files))
	for _, f := range files {
		rel[strings.TrimPrefix(f.Name, content.ThemeDir)] = f.Data
	}
	theme, err := builtin.Override(rel)
	var a *assets
	if err == nil {
		a, err = newAssets(theme.Static())
	}
	if err == nil {
		err = trialRender(theme, a, cat.Config())
	}
	if err != nil {
		ls.log.Warn("theme override not used: serving the built-in theme", "revision", cat.Revision().Short(), "err", err)
		l.problems = append(l.problems, content.Problem{File: overrideFile(err, files), Code: codeTheme,
			Message: ls.t("problems.theme.override", err.Error())})
		return
	}
	l.theme, l.assets = theme, a
	ls.log.Info("theme override loaded", "revision", cat.Revision().Short(), "files", len(files))
}

// trialRender renders the error page, which every page's layout shares,
// so that a layout that parses but fails when executed is caught here
// rather than on every request.
func trialRender(theme *themes.Theme, a *assets, cfg content.SiteConfig) error {
	v := view{Site: cfg, Title: "essai", Data: errorView{Message: "essai"}, look: &look{theme: theme, assets: a}}
	var buf bytes.Buffer
	return theme.Render(&buf, "error", v)
}

// overrideFile names the override a theme error is about, or the theme
// folder when the error names none.
func overrideFile(err error, files []content.File) string {
	msg := err.Error()
	for _, f := range files {
		rel := strings.TrimPrefix(f.Name, content.ThemeDir)
		// Parse errors name the file, execution errors the template.
		if strings.Contains(msg, rel) || strings.HasPrefix(rel, "templates/") && strings.Contains(msg, "template: "+path.Base(rel)+":") {
			return f.Name
		}
	}
	return strings.TrimSuffix(content.ThemeDir, "/")
}

// logo finds the logo config.yaml names: among the theme's static files,
// or in media/, read from the repository and served with them.
func (ls *looks) logo(ctx context.Context, l *look, rev content.Revision, name string) {
	if rel, ok := strings.CutPrefix(name, content.ThemeDir+"static/"); ok {
		if l.assets.has(rel) {
			l.brand.Logo = l.assets.url(rel)
			return
		}
		l.problems = append(l.problems, ls.logoProblem(name, "problems.logo.missing"))
		return
	}
	f, err := ls.store.ReadFile(ctx, rev, name)
	switch {
	case errors.Is(err, content.ErrNotFound):
		l.problems = append(l.problems, ls.logoProblem(name, "problems.logo.missing"))
	case err != nil:
		ls.log.Error("read logo", "file", name, "err", err)
	case len(f.Data) > maxLogoBytes:
		l.problems = append(l.problems, ls.logoProblem(name, "problems.logo.too_large"))
	default:
		l.assets = l.assets.with(name, f.Data)
		l.brand.Logo = l.assets.url(name)
	}
}

// logoProblem reports a logo that cannot be used; whyKey is the
// catalogue key of the reason.
func (ls *looks) logoProblem(name, whyKey string) content.Problem {
	return content.Problem{File: content.ConfigFile, Field: "logo", Code: codeTheme, Warning: true,
		Message: ls.t("problems.logo", name, ls.t(whyKey))}
}

// t is the text of key in the server's catalogue: that of the built-in
// theme the server was given, not of a content repository's overrides.
// Looks are built outside requests, at the commits that change them.
func (ls *looks) t(key string, args ...any) string { return ls.msgs.T(key, args...) }

// brandCSS is the stylesheet of the site's colours, after the theme's. The
// accent was checked against white; its tint (the background of labels)
// is kept only if the accent stays readable on it.
func brandCSS(c content.Couleurs) string {
	accent, ok := content.ParseColour(c.Accent)
	if !ok {
		return ""
	}
	tint := mix(accent, content.White, 0.88)
	if accent.Contrast(tint) < content.MinContrast {
		tint = content.White
	}
	hover := accent.Darker(0.8)
	return fmt.Sprintf(":root { --accent: %s; --accent-fond: %s; }\nbutton:hover { background: %s; border-color: %s; }\n",
		accent, tint, hover, hover)
}

// mix blends a toward b: f = 0 gives a, f = 1 gives b.
func mix(a, b content.Colour, f float64) content.Colour {
	blend := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*f + 0.5) }
	return content.Colour{R: blend(a.R, b.R), G: blend(a.G, b.G), B: blend(a.B, b.B)}
}

// themeProblems lists the problems of the current look with the
// catalogue's, sorted by file.
func themeProblems(cat []content.Problem, l *look) []content.Problem {
	out := append(cat, l.problems...)
	slices.SortStableFunc(out, func(a, b content.Problem) int { return strings.Compare(a.File, b.File) })
	return out
}
