// Package ui is the console's Fyne front end: the login, the justification
// prompt, the camera tree and video wall, the team chief's live panel and the
// audit review. It holds no rule of its own: it asks app.Console what the
// session may do and shows what the console answers, in the user's language.
package ui
