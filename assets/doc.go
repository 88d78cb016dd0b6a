// Package assets holds what the console ships inside its binary: the
// translations of every visible string (translations/[screen.]<lang>.json
// for nl, fr and en), the application icon and the alert sounds
// (assets/sounds). The README's screenshots live in assets/screenshots and
// are not embedded.
package assets
