// Never ends: stopped by the control adapter's limits.
var n = 0;
while (true) {
  n = n + 1;
}
