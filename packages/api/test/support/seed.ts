/** The seed's JSON body for POST /api/admin/whatsapp-sessions, as its documentation shows it. */
export const seedSessionBody = {
  name: "Panitia Lari Jakarta",
  sessionId: "panitia_lari",
  phoneNumber: "+6285117132297",
  isActive: true,
  isDefault: true,
  description: "Konfirmasi pendaftaran peserta",
};
