package p

const Arch = 8
