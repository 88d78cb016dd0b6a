// Package assets holds what the console ships inside its binary: the
// translations of every visible string (nl, fr, en), the application icon
// and the screenshot shown in the README.
package assets
