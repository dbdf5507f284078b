// Patrols: fill a checkpoint scan form's location fields when the browser allows it.
// Proof of presence works without it (time alone); nothing here is required.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.pat-scan");
  if (!forms.length || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    forms.forEach(function (form) {
      form.querySelector("[name=latitude]").value = pos.coords.latitude;
      form.querySelector("[name=longitude]").value = pos.coords.longitude;
      form.querySelector("[name=accuracy]").value = pos.coords.accuracy;
    });
  }, function () {}, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
