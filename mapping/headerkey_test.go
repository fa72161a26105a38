package mapping

import "testing"

func TestHeaderKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Phone", "phone"},
		{"  MOBILE   Number ", "mobile number"},
		{"Mobile\u00a0Number", "mobile number"},
		{"mobile_number", "mobile number"},
		{"Mobile-Number", "mobile number"},
		{"Mobile.Number", "mobile number"},
		{"E-mail 1 - Value", "e mail 1 value"},
		{"e__mail -- 1 .. value", "e mail 1 value"},
		{"Phone No.", "phone no"},
		{"\uFEFFFirst Name", "first name"},
		{"Country/Region", "country/region"},
		{"Phone (2)", "phone (2)"},
		{"höbbela", "höbbela"},
		{"", ""},
		{" _-. ", ""},
	}
	for _, tt := range tests {
		if got := HeaderKey(tt.in); got != tt.want {
			t.Errorf("HeaderKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Notes", "notes"},
		{"Job Title", "job_title"},
		{"Manager's Name", "manager_s_name"},
		{"  Address 1 - Formatted ", "address_1_formatted"},
		{"TTY/TDD Phone", "tty_tdd_phone"},
		{"MEMBER_RATING", "member_rating"},
		{"höbbela", "hobbela"},
		{"Ødegård Straße", "odegard_strasse"},
		{"Łódź", "lodz"},
		{"電話", ""},
		{"電話 2", "2"},
		{"---", ""},
		{"Time to move from marketing qualified lead to customer (HH:mm:ss)",
			"time_to_move_from_marketing_qualified_lead_to_customer_hh_mm_ss"},
		{"a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h",
			"a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t_u_v_w_x_y_z_a_b_c_d_e_f"}, // cut at 64, no trailing _
	}
	for _, tt := range tests {
		got := Slug(tt.in)
		if got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && !customName.MatchString(got) {
			t.Errorf("Slug(%q) = %q, which is not a valid custom field name", tt.in, got)
		}
	}
}
