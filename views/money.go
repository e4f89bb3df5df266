package views

import (
	"fmt"
	"strings"
)

// kronor formats a price in Swedish kronor the way readers expect: "139 kr", "99,50 kr".
func kronor(price float64) string {
	if price == float64(int64(price)) {
		return fmt.Sprintf("%d kr", int64(price))
	}
	return strings.Replace(fmt.Sprintf("%.2f kr", price), ".", ",", 1)
}

// every describes a period: "month", "3 months", "year".
func every(iterationType string, length int) string {
	if iterationType == "month" && length == 12 {
		return "year"
	}
	if length == 1 {
		return iterationType
	}
	return fmt.Sprintf("%d %ss", length, iterationType)
}
