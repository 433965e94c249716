module example.com/lintmod

go 1.26.0

tool github.com/routigen/routigen/cmd/routigen

require github.com/routigen/routigen v0.2.0
