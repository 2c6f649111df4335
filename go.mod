module github.com/wsfuzz/wsfuzz

go 1.26.0

require (
	github.com/gobwas/ws v1.5.0
	github.com/google/gofuzz v1.2.0
	github.com/klauspost/compress v1.20.3
	github.com/leanovate/gopter v0.2.11
	golang.org/x/sys v0.49.0
)

require github.com/gobwas/httphead v0.1.0 // indirect
