/* Tell the server the browser's time zone, so that times are shown in it (portal/timezones.py).
   Progressive: without this script pages show the event's or centre's zone. The server ignores
   any value its zone database does not know. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
    return;
  }
  var secure = window.location.protocol === "https:";
  var name = secure ? "__Host-tz" : "tz";
  if (document.cookie.split("; ").indexOf(name + "=" + zone) !== -1) {
    return;
  }
  document.cookie = name + "=" + zone + "; path=/; max-age=31536000; SameSite=Lax" + (secure ? "; Secure" : "");
})();
