/* Shrink photos in the browser before they are sent: a phone's 50 MP, 15 MB photo
   becomes a JPEG of at most 2000 px on its long side (quality 0.85), a few hundred KB,
   which a weak connection in the park can carry. Forms opt in with data-shrink-photos.
   Without script, or when the browser cannot decode the photo, the original is sent
   and the server shrinks it (parkops/attachments.py). */
(function () {
  "use strict";
  var LONG_SIDE = 2000;
  var QUALITY = 0.85;

  function loadImage(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { resolve({ img: img, url: url }); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  function shrink(file) {
    if (!file.type || file.type.indexOf("image/") !== 0) { return Promise.resolve(file); }
    return loadImage(file).then(function (loaded) {
      var img = loaded.img;
      /* An <img> is drawn upright (EXIF orientation applied), so the canvas is too. */
      var width = img.naturalWidth, height = img.naturalHeight;
      var scale = Math.min(1, LONG_SIDE / Math.max(width, height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(loaded.url);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || (scale === 1 && blob.size >= file.size)) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function replaceFiles(input, files) {
    if (typeof DataTransfer === "undefined") { return false; }
    var transfer = new DataTransfer();
    files.forEach(function (f) { transfer.items.add(f); });
    input.files = transfer.files;
    return true;
  }

  function setUp(form) {
    var pending = null; /* a promise while photos are being shrunk */
    var note = form.querySelector("[data-photo-note]");
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      input.addEventListener("change", function () {
        var originals = Array.prototype.slice.call(input.files || []);
        if (!originals.length) { return; }
        if (note) { note.hidden = false; note.textContent = form.dataset.shrinking || "…"; }
        pending = Promise.all(originals.map(shrink)).then(function (shrunk) {
          replaceFiles(input, shrunk);
          if (note) {
            note.textContent = shrunk.map(function (f) {
              return f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)";
            }).join(", ");
          }
        }).finally(function () { pending = null; });
      });
    });
    /* A category tapped while the photo is still being shrunk: send once it is done. */
    form.addEventListener("submit", function (event) {
      if (!pending) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      pending.then(function () {
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      });
    });
  }

  document.querySelectorAll("form[data-shrink-photos]").forEach(setUp);
})();
