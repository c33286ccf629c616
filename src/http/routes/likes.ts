// The four Likes routes, one file each under likes/: schemas (validation, types, OpenAPI) and the glue from HTTP
// to the world's LikesService.
import type { ApiRoute } from '../routeSpec.ts';
import { like } from './likes/like.ts';
import { likedTweets } from './likes/likedTweets.ts';
import { likingUsers } from './likes/likingUsers.ts';
import { unlike } from './likes/unlike.ts';

export const likesRoutes: readonly ApiRoute[] = [likedTweets, likingUsers, like, unlike];
