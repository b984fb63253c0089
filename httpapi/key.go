package httpapi

// artifactKey is the store key of a team's artifact: "<team>/<hash>". With
// a team that passed ValidTeam and a hash that passed ValidHash it is
// always a valid storage key (TestArtifactKeyIsValid), so no caller checks
// it again.
func artifactKey(team, hash string) string {
	return team + "/" + hash
}
