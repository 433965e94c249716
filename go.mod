module github.com/routigen/routigen

go 1.26.0
