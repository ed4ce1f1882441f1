package content

import (
	"reflect"
	"testing"
)

func TestServiceStateAt(t *testing.T) {
	loc := paris(t)
	const usual = "Mo-Fr 09:00-12:00; PH off"
	// 2026-11-23 is a Monday.
	tests := []struct {
		name     string
		svc      Service
		fallback string
		at       string
		want     OpenState
		wantInfo int // index of the entry returned, -1 for none
	}{
		{"usual hours", Service{HorairesAccueil: usual}, "", "2026-11-23 10:00", Open, -1},
		{"usual hours, closed", Service{HorairesAccueil: usual}, "", "2026-11-23 13:00", Closed, -1},
		{"structure's hours", Service{}, usual, "2026-11-23 10:00", Open, -1},
		{"own hours before structure's", Service{HorairesAccueil: "Tu 09:00-12:00"}, usual, "2026-11-23 10:00", Closed, -1},
		{"no hours", Service{}, "", "2026-11-23 10:00", Unknown, -1},
		{"unreadable hours", Service{HorairesAccueil: "Lu-Ve 9h-12h"}, usual, "2026-11-23 10:00", Unknown, -1},
		{"suspendu", Service{HorairesAccueil: "24/7", Statut: StatutSuspendu}, "", "2026-11-23 10:00", Closed, -1},
		{"ferme", Service{HorairesAccueil: "24/7", Statut: StatutFerme}, "", "2026-11-23 10:00", Closed, -1},
		{"actif", Service{HorairesAccueil: "24/7", Statut: StatutActif}, "", "2026-11-23 10:00", Open, -1},
		{"closure covering today", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 20}, Au: Date{2026, 11, 27}, Type: InfoFermeture, Message: "Congés"},
		}}, "", "2026-11-23 10:00", Closed, 0},
		{"closure starting today", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 23}, Au: Date{2026, 11, 27}, Type: InfoFermeture},
		}}, "", "2026-11-23 10:00", Closed, 0},
		{"closure ending today", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 16}, Au: Date{2026, 11, 23}, Type: InfoFermeture},
		}}, "", "2026-11-23 10:00", Closed, 0},
		{"open-ended closure", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 1, 5}, Type: InfoFermeture},
		}}, "", "2026-11-23 10:00", Closed, 0},
		{"closure over the structure's hours", Service{InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 20}, Au: Date{2026, 11, 27}, Type: InfoFermeture},
		}}, usual, "2026-11-23 10:00", Closed, 0},
		{"past closure ignored", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 2}, Au: Date{2026, 11, 22}, Type: InfoFermeture},
		}}, "", "2026-11-23 10:00", Open, -1},
		{"upcoming closure does not close", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 24}, Au: Date{2026, 11, 30}, Type: InfoFermeture},
		}}, "", "2026-11-23 10:00", Open, -1},
		{"closure without du ignored", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Au: Date{2026, 11, 30}, Type: InfoFermeture},
		}}, "", "2026-11-23 10:00", Open, -1},
		{"temporary hours open", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 16}, Au: Date{2026, 12, 31}, Type: InfoHoraires, Horaires: "Mo-Fr 14:00-17:00"},
		}}, "", "2026-11-23 15:00", Open, 0},
		{"temporary hours replace the usual ones", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 16}, Au: Date{2026, 12, 31}, Type: InfoHoraires, Horaires: "Mo-Fr 14:00-17:00"},
		}}, "", "2026-11-23 10:00", Closed, 0},
		{"unreadable temporary hours", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 16}, Au: Date{2026, 12, 31}, Type: InfoHoraires, Horaires: "l'après-midi"},
		}}, "", "2026-11-23 10:00", Unknown, 0},
		{"latest temporary hours win", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 20}, Au: Date{2026, 12, 31}, Type: InfoHoraires, Horaires: "Mo 16:00-18:00"},
			{Du: Date{2026, 11, 1}, Au: Date{2026, 12, 31}, Type: InfoHoraires, Horaires: "Mo 09:00-18:00"},
		}}, "", "2026-11-23 10:00", Closed, 0},
		{"closure beats temporary hours", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 1}, Au: Date{2026, 12, 31}, Type: InfoHoraires, Horaires: "24/7"},
			{Du: Date{2026, 11, 23}, Au: Date{2026, 11, 23}, Type: InfoFermeture},
		}}, "", "2026-11-23 10:00", Closed, 1},
		{"past temporary hours ignored", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 7, 1}, Au: Date{2026, 8, 31}, Type: InfoHoraires, Horaires: "Mo-Fr 14:00-17:00"},
		}}, "", "2026-11-23 10:00", Open, -1},
		{"message does not change hours", Service{HorairesAccueil: usual, InfosTemporaires: []InfoTemporaire{
			{Du: Date{2026, 11, 1}, Type: InfoMessage, Message: "Nouveau numéro"},
		}}, "", "2026-11-23 10:00", Open, -1},
		{"public holiday", Service{HorairesAccueil: usual}, "", "2026-11-11 10:00", Closed, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, info := tt.svc.StateAt(at(t, loc, tt.at), tt.fallback)
			if got != tt.want {
				t.Errorf("StateAt = %v, want %v", got, tt.want)
			}
			switch {
			case tt.wantInfo < 0 && info != nil:
				t.Errorf("info = %+v, want none", *info)
			case tt.wantInfo >= 0 && info != &tt.svc.InfosTemporaires[tt.wantInfo]:
				t.Errorf("info = %+v, want entry %d", info, tt.wantInfo)
			}
		})
	}
}

func TestServiceHours(t *testing.T) {
	s := Service{HorairesAccueil: "Mo-Fr 09:00-12:00", InfosTemporaires: []InfoTemporaire{
		{Du: Date{2026, 8, 1}, Au: Date{2026, 8, 31}, Type: InfoHoraires, Horaires: "Tu 09:00-12:00"},
		{Du: Date{2026, 12, 24}, Au: Date{2027, 1, 2}, Type: InfoFermeture},
	}}
	tests := []struct {
		day, want string
	}{
		{"2026-07-31", "Mo-Fr 09:00-12:00"},
		{"2026-08-01", "Tu 09:00-12:00"},
		{"2026-08-31", "Tu 09:00-12:00"},
		{"2026-09-01", "Mo-Fr 09:00-12:00"},
		{"2026-12-31", "off"},
		{"2027-01-03", "Mo-Fr 09:00-12:00"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			d, _ := ParseDate(tt.day)
			if got, _ := s.Hours(d, ""); got != tt.want {
				t.Errorf("Hours(%s) = %q, want %q", tt.day, got, tt.want)
			}
		})
	}
}

func TestCurrentInfos(t *testing.T) {
	today := Date{2026, 11, 23}
	infos := []InfoTemporaire{
		{Du: Date{2026, 12, 24}, Au: Date{2027, 1, 2}, Type: InfoFermeture, Message: "far"},         // starts in 31 days
		{Du: Date{2026, 12, 8}, Au: Date{2026, 12, 10}, Type: InfoFermeture, Message: "in 15 days"}, // InfoAnnounceDays
		{Du: Date{2026, 12, 9}, Type: InfoMessage, Message: "in 16 days"},
		{Du: Date{2026, 11, 2}, Au: Date{2026, 11, 22}, Type: InfoFermeture, Message: "past"},
		{Du: Date{2026, 11, 20}, Au: Date{2026, 11, 23}, Type: InfoHoraires, Message: "ends today", Horaires: "Mo 14:00-16:00"},
		{Du: Date{2026, 11, 1}, Type: InfoMessage, Message: "open-ended"},
		{Au: Date{2026, 11, 30}, Type: InfoMessage, Message: "no du"},
		{Du: Date{2026, 11, 30}, Au: Date{2026, 12, 4}, Type: InfoFermeture, Message: "next week"},
	}
	s := Service{InfosTemporaires: infos}
	var got []string
	for _, in := range s.CurrentInfos(today) {
		got = append(got, in.Message)
	}
	want := []string{"open-ended", "ends today", "next week", "in 15 days"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CurrentInfos = %q, want %q", got, want)
	}
	if got := (&Service{}).CurrentInfos(today); len(got) != 0 {
		t.Errorf("CurrentInfos without entries = %v", got)
	}
	// The upcoming closures are announced but do not close today (the
	// current temporary hours apply).
	if st, _ := (&Service{HorairesAccueil: "24/7", InfosTemporaires: infos}).StateAt(at(t, paris(t), "2026-11-23 15:00"), ""); st != Open {
		t.Errorf("StateAt = %v, want open", st)
	}
}
