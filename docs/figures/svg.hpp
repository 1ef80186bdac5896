// A small SVG writer for the figure programs of docs/figures: shapes and text with explicit
// coordinates (pixels, y down), nothing more. Every figure is drawn from numbers the library
// computes while the site is built; this file only knows how to write them down.
#pragma once

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace figures {

/// Text made safe for XML: & < > " escaped.
inline std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

/// A number as a figure shows it: integers without decimals, others with `decimals` places, and
/// a typographic minus sign (U+2212) rather than a hyphen.
inline std::string number(double value, int decimals = 1) {
    char buffer[64];
    if (std::abs(value - std::round(value)) < 1e-9 && std::abs(value) < 1e15)
        std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(std::llround(std::abs(value))));
    else
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, std::abs(value));
    return (value < 0 && buffer != std::string_view("0") ? "−" : "") + std::string(buffer);
}

/// Text style: size in pixels, anchor "start" | "middle" | "end", weight, colour.
struct TextStyle {
    double size = 13;
    std::string anchor = "start";
    std::string weight = "normal";
    std::string fill = "#222";
    std::string style = "normal";  ///< "italic" for symbols
    bool halo = false;             ///< a white outline behind the glyphs, readable over lines and bars
};

/// An SVG document being drawn.
class Svg {
public:
    Svg(double width, double height) : width_(width), height_(height) {}

    /// A rectangle; `stroke` "none" draws no border.
    void rect(double x, double y, double w, double h, std::string_view fill, std::string_view stroke = "none",
              double stroke_width = 1, std::string_view extra = "") {
        body_ << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << h << "\" fill=\""
              << fill << "\" stroke=\"" << stroke << "\" stroke-width=\"" << stroke_width << "\" " << extra << "/>\n";
    }
    /// A straight line; `dash` is an SVG dash array ("6 4") or empty for a solid line.
    void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
              std::string_view dash = "") {
        body_ << "<line x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\"" << x2 << "\" y2=\"" << y2 << "\" stroke=\""
              << stroke << "\" stroke-width=\"" << width << "\"";
        if (!dash.empty()) body_ << " stroke-dasharray=\"" << dash << "\"";
        body_ << "/>\n";
    }
    /// An open path (SVG path data `d`), unfilled.
    void path(std::string_view d, std::string_view stroke, double width = 1) {
        body_ << "<path d=\"" << d << "\" fill=\"none\" stroke=\"" << stroke << "\" stroke-width=\"" << width
              << "\"/>\n";
    }
    /// Plain text (escaped); `y` is the baseline.
    void text(double x, double y, std::string_view content, const TextStyle& style = {}) {
        text_markup(x, y, escape(content), style);
    }
    /// Text whose content is already SVG markup (tspans for sub- and superscripts).
    void text_markup(double x, double y, std::string_view markup, const TextStyle& style = {}) {
        body_ << "<text x=\"" << x << "\" y=\"" << y << "\" font-size=\"" << style.size << "\" text-anchor=\""
              << style.anchor << "\" font-weight=\"" << style.weight << "\" font-style=\"" << style.style
              << "\" fill=\"" << style.fill << "\"";
        if (style.halo) body_ << " stroke=\"white\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"";
        body_ << ">" << markup << "</text>\n";
    }
    /// The document: an <svg> with a white background, a <title> (for screen readers and
    /// browsers' tooltips) and a sans-serif font.
    std::string str(std::string_view title) const {
        std::ostringstream out;
        out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width_ << "\" height=\"" << height_
            << "\" viewBox=\"0 0 " << width_ << ' ' << height_ << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
            << "<title>" << escape(title) << "</title>\n"
            << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            << body_.str() << "</svg>\n";
        return out.str();
    }
    /// Writes str(title) to `file`; throws std::runtime_error when it cannot.
    void save(const std::string& file, std::string_view title) const {
        std::ofstream out(file, std::ios::binary);
        out << str(title);
        if (!out) throw std::runtime_error("cannot write " + file);
    }

private:
    double width_, height_;
    std::ostringstream body_;
};

/// Markup for "base" with a superscript and/or a subscript (shifted tspans, which every
/// browser draws; `baseline-shift` is not supported everywhere).
inline std::string scripted(std::string_view base, std::string_view sup, std::string_view sub = "", double size = 13) {
    std::ostringstream out;
    const double small = size * 0.72, up = size * 0.38, down = size * 0.25;
    out << "<tspan font-style=\"italic\">" << escape(base) << "</tspan>";
    if (!sup.empty()) out << "<tspan dy=\"" << -up << "\" font-size=\"" << small << "\">" << escape(sup) << "</tspan>";
    if (!sub.empty()) {
        // Under a superscript, a subscript starts below the superscript's baseline.
        out << "<tspan dy=\"" << (sup.empty() ? down : up + down) << "\" font-size=\"" << small << "\">"
            << escape(sub) << "</tspan>";
        out << "<tspan dy=\"" << -down << "\"> </tspan>";
    } else if (!sup.empty()) {
        out << "<tspan dy=\"" << up << "\"> </tspan>";
    }
    return out.str();
}

}  // namespace figures
