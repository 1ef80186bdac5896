MathJax.Hub.Config({
  messageStyle: "none",
  "HTML-CSS": { availableFonts: ["TeX"], preferredFont: "TeX", webFont: "TeX", imageFont: null }
});
