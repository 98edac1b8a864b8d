package billing

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// dollars is cents as a plotted value. Only the picture uses floating
// point; every figure printed is exact.
func dollars(cents int64) float64 { return float64(cents) / 100 }

// costChart plots each organization's cost per month: the closed months,
// then the pending month's projection.
func costChart(r Report) ([]byte, error) {
	p := plot.New()
	p.Title.Text = "Cost per organization per month (" + r.Pending + ": projected)"
	p.Y.Label.Text = "US dollars"
	p.X.Label.Text = "month"
	labels := make([]string, len(r.Months))
	copy(labels, r.Months)
	labels[len(labels)-1] += "*"
	p.NominalX(labels...)
	p.Legend.Top = true
	for i, org := range r.Orgs {
		points := make(plotter.XYs, len(r.Months))
		for j, month := range r.Months {
			cents := org.Cents[month]
			if month == r.Pending {
				cents = org.ProjectedCents
			}
			points[j] = plotter.XY{X: float64(j), Y: dollars(cents)}
		}
		line, marks, err := plotter.NewLinePoints(points)
		if err != nil {
			return nil, err
		}
		line.Color, marks.Color = plotutil.Color(i), plotutil.Color(i)
		marks.Shape = plotutil.Shape(i)
		p.Add(line, marks)
		p.Legend.Add(org.Label(), line, marks)
	}
	p.Add(plotter.NewGrid())
	// Room above the lines for the legend.
	p.Y.Min, p.Y.Max = 0, p.Y.Max*1.35
	return render(p, 22*vg.Centimeter, 12*vg.Centimeter)
}

// changeChart plots each organization's month-over-month change between
// the last two closed months.
func changeChart(r Report) ([]byte, error) {
	p := plot.New()
	closed := r.Months[:len(r.Months)-1]
	p.Title.Text = "Month-over-month change"
	if len(closed) >= 2 {
		p.Title.Text += ", " + closed[len(closed)-2] + " to " + closed[len(closed)-1]
	}
	p.Y.Label.Text = "US dollars"
	values := make(plotter.Values, len(r.Orgs))
	names := make([]string, len(r.Orgs))
	for i, org := range r.Orgs {
		delta, _, _ := org.Change(r)
		values[i] = dollars(delta)
		names[i] = org.Label()
	}
	bars, err := plotter.NewBarChart(values, 1.2*vg.Centimeter)
	if err != nil {
		return nil, err
	}
	bars.Color = plotutil.Color(0)
	p.Add(bars, plotter.NewGrid())
	p.NominalX(names...)
	return render(p, 22*vg.Centimeter, 10*vg.Centimeter)
}

func render(p *plot.Plot, width, height vg.Length) ([]byte, error) {
	w, err := p.WriterTo(width, height, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var page = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Atlas cost per organization</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>Atlas cost per organization</h1>
<p>Paying organization {{.Report.PayingOrgID}}. {{.Report.Pending}} is month to date; its projection carries that rate on to the month's end, an estimate, not a bill.</p>
{{.Cost}}
{{.Change}}
<h2>Figures</h2>
<pre>{{.Table}}</pre>
</body></html>
`))

// image is an img element holding png as a data URL. It is written as
// markup, not through the template's URL escaping, which would turn the
// base64 alphabet's "+" into an entity.
func image(alt string, png []byte) template.HTML {
	//nolint:gosec // G203: alt is this package's own text, and base64 has no character that needs escaping
	return template.HTML(`<img alt="` + template.HTMLEscapeString(alt) + `" src="data:image/png;base64,` +
		base64.StdEncoding.EncodeToString(png) + `">`)
}

// WriteHTML writes one self-contained page: both charts as embedded PNG
// images and the table, with nothing to fetch.
func WriteHTML(w io.Writer, r Report) error {
	cost, err := costChart(r)
	if err != nil {
		return fmt.Errorf("drawing the cost chart: %w", err)
	}
	change, err := changeChart(r)
	if err != nil {
		return fmt.Errorf("drawing the change chart: %w", err)
	}
	var table strings.Builder
	if err := WriteTable(&table, r); err != nil {
		return err
	}
	return page.Execute(w, map[string]any{
		"Report": r, "Table": table.String(),
		"Cost":   image("cost per organization per month", cost),
		"Change": image("month-over-month change", change),
	})
}
