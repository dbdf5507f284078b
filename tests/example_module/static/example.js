// The example module's own script, included by base.html when it is loaded.
document.documentElement.dataset.example = "loaded";
