module console.invalid/clocale

go 1.24
